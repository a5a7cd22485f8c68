
use builtin;
use str;

set edit:completion:arg-completer[docpipe] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'docpipe'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'docpipe'= {
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand parse 'Full parse (markdown + images + JSON) into a folder per input'
            cand batch 'Many documents: submit all, wait, download as each finishes; resumable'
            cand fetch 'Download the results of submitted tasks (waits for them to finish)'
            cand estimate 'Pages per document and what they would cost at each provider (a URL counts as unknown length); sends nothing'
            cand mcp 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)'
            cand status 'State and progress of submitted tasks or batches; with no ID, the recent ones'
            cand providers 'The providers, what each can do, whether a key is set'
            cand cache 'The result cache of paid answers: list, size, verify, prune'
            cand completions 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish'
            cand ocr 'Text of documents or images: to stdout unless -o'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docpipe;parse'= {
            cand --from 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)'
            cand --name 'Name for a document read from stdin (its extension tells the type)'
            cand --pages 'Pages to extract, 1-based: 1-5,8'
            cand --language 'Document language, in the provider''s codes (e.g. en, ch, or English, ChinesePRC)'
            cand --model 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)'
            cand --format 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)'
            cand --extra-format 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)'
            cand --table-format 'Tables as markdown or html'
            cand --transport 'rest (default) or mcp (its MCP endpoint)'
            cand --max-pages 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted'
            cand --concurrency 'Documents processed (uploaded, downloaded) at once, 1-64; default 4'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --ocr 'Force OCR of scanned pages (every provider but mistral)'
            cand --no-formula 'Skip formula recognition'
            cand --no-table 'Skip table recognition'
            cand --extract-header 'Return page headers separately instead of inside the text'
            cand --extract-footer 'Return page footers separately instead of inside the text'
            cand --keep-headers 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)'
            cand --no-wait 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)'
            cand --fail-fast 'Stop at the first bad input instead of reporting it and going on with the others'
            cand --retry-failed 'Submit again the documents that failed in an earlier run (same content, provider and options)'
            cand --dry-run 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing'
            cand --no-split 'Refuse a PDF over the provider''s page or size limit instead of sending it in parts'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;batch'= {
            cand --from 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)'
            cand --name 'Name for a document read from stdin (its extension tells the type)'
            cand --pages 'Pages to extract, 1-based: 1-5,8'
            cand --language 'Document language, in the provider''s codes (e.g. en, ch, or English, ChinesePRC)'
            cand --model 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)'
            cand --format 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)'
            cand --extra-format 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)'
            cand --table-format 'Tables as markdown or html'
            cand --transport 'rest (default) or mcp (its MCP endpoint)'
            cand --max-pages 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted'
            cand --concurrency 'Documents processed (uploaded, downloaded) at once, 1-64; default 4'
            cand --shard 'This machine''s share of the inputs, I of N (by content hash: disjoint, and the same whatever the input order)'
            cand --batch-api 'Batch jobs at half the price: auto (from 20 documents), on, off (direct calls)'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --ocr 'Force OCR of scanned pages (every provider but mistral)'
            cand --no-formula 'Skip formula recognition'
            cand --no-table 'Skip table recognition'
            cand --extract-header 'Return page headers separately instead of inside the text'
            cand --extract-footer 'Return page footers separately instead of inside the text'
            cand --keep-headers 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)'
            cand --no-wait 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)'
            cand --fail-fast 'Stop at the first bad input instead of reporting it and going on with the others'
            cand --retry-failed 'Submit again the documents that failed in an earlier run (same content, provider and options)'
            cand --dry-run 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing'
            cand --no-split 'Refuse a PDF over the provider''s page or size limit instead of sending it in parts'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;fetch'= {
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;estimate'= {
            cand --from 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)'
            cand --name 'Name for a document read from stdin (its extension tells the type)'
            cand --pages 'Pages to extract, 1-based: 1-5,8'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;mcp'= {
            cand --http 'Serve streamable HTTP on ADDR (e.g. 127.0.0.1:8765 or localhost:8765, path /mcp) instead of stdio'
            cand --allow-origin 'A web page origin allowed to call the HTTP server besides loopback ones (repeatable), e.g. https://app.example.org'
            cand --root 'A folder the tools may read from and write to (repeatable); default: the current folder'
            cand --token 'Bearer token HTTP clients must send; required when --http is not a loopback address'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;status'= {
            cand --recent 'How many recent documents to list without an ID'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;providers'= {
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;cache'= {
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every entry: key, provider, size, last use (least recently used first)'
            cand size 'How much the cache holds, its bound and where it is'
            cand verify 'Check every entry against its hash; damaged ones are removed'
            cand prune 'Remove entries: not used for AGE, of one provider (-p), or all'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docpipe;cache;list'= {
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;cache;size'= {
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;cache;verify'= {
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;cache;prune'= {
            cand --older-than 'Entries not used for this long (30d, 12h)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --all 'Every entry'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;cache;help'= {
            cand list 'Every entry: key, provider, size, last use (least recently used first)'
            cand size 'How much the cache holds, its bound and where it is'
            cand verify 'Check every entry against its hash; damaged ones are removed'
            cand prune 'Remove entries: not used for AGE, of one provider (-p), or all'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docpipe;cache;help;list'= {
        }
        &'docpipe;cache;help;size'= {
        }
        &'docpipe;cache;help;verify'= {
        }
        &'docpipe;cache;help;prune'= {
        }
        &'docpipe;cache;help;help'= {
        }
        &'docpipe;completions'= {
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;ocr'= {
            cand --from 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)'
            cand --name 'Name for a document read from stdin (its extension tells the type)'
            cand --pages 'Pages to extract, 1-based: 1-5,8'
            cand --language 'Document language, in the provider''s codes (e.g. en, ch, or English, ChinesePRC)'
            cand --model 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)'
            cand --format 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)'
            cand --table-format 'Tables as markdown or html'
            cand --transport 'rest (default) or mcp (its MCP endpoint)'
            cand --max-pages 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted'
            cand --concurrency 'Documents processed (uploaded, downloaded) at once, 1-64; default 4'
            cand --extra-format 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)'
            cand -p 'Provider (see `docpipe providers`)'
            cand --provider 'Provider (see `docpipe providers`)'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --ocr 'Force OCR of scanned pages (every provider but mistral)'
            cand --no-formula 'Skip formula recognition'
            cand --no-table 'Skip table recognition'
            cand --extract-header 'Return page headers separately instead of inside the text'
            cand --extract-footer 'Return page footers separately instead of inside the text'
            cand --keep-headers 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)'
            cand --no-wait 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)'
            cand --fail-fast 'Stop at the first bad input instead of reporting it and going on with the others'
            cand --retry-failed 'Submit again the documents that failed in an earlier run (same content, provider and options)'
            cand --dry-run 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing'
            cand --no-split 'Refuse a PDF over the provider''s page or size limit instead of sending it in parts'
            cand --images 'Save the page images next to the text (-o DIR: DIR/<name>_images/)'
            cand --no-images 'Write no images folder: the markdown''s image links become their alt text'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors and warnings about security or configuration still show'
            cand --quiet 'No progress or state lines; errors and warnings about security or configuration still show'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand --no-cache 'Neither read nor write the result cache of paid answers for this run'
            cand --refresh 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;help'= {
            cand parse 'Full parse (markdown + images + JSON) into a folder per input'
            cand batch 'Many documents: submit all, wait, download as each finishes; resumable'
            cand fetch 'Download the results of submitted tasks (waits for them to finish)'
            cand estimate 'Pages per document and what they would cost at each provider (a URL counts as unknown length); sends nothing'
            cand mcp 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)'
            cand status 'State and progress of submitted tasks or batches; with no ID, the recent ones'
            cand providers 'The providers, what each can do, whether a key is set'
            cand cache 'The result cache of paid answers: list, size, verify, prune'
            cand completions 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish'
            cand ocr 'Text of documents or images: to stdout unless -o'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docpipe;help;parse'= {
        }
        &'docpipe;help;batch'= {
        }
        &'docpipe;help;fetch'= {
        }
        &'docpipe;help;estimate'= {
        }
        &'docpipe;help;mcp'= {
        }
        &'docpipe;help;status'= {
        }
        &'docpipe;help;providers'= {
        }
        &'docpipe;help;cache'= {
            cand list 'Every entry: key, provider, size, last use (least recently used first)'
            cand size 'How much the cache holds, its bound and where it is'
            cand verify 'Check every entry against its hash; damaged ones are removed'
            cand prune 'Remove entries: not used for AGE, of one provider (-p), or all'
        }
        &'docpipe;help;cache;list'= {
        }
        &'docpipe;help;cache;size'= {
        }
        &'docpipe;help;cache;verify'= {
        }
        &'docpipe;help;cache;prune'= {
        }
        &'docpipe;help;completions'= {
        }
        &'docpipe;help;ocr'= {
        }
        &'docpipe;help;help'= {
        }
    ]
    # -p / --provider: the provider names, from docpipe's registry.
    if (and (>= (count $words) 3) (has-value [-p --provider] $words[-2])) {
        cand mineru 'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
        cand mineru-flash 'MinerU flash API: markdown of small documents, no key needed'
        cand parse4ai 'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
        cand mistral 'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
        cand mistralocr 'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
        cand gptge 'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
        cand local 'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
        cand auto 'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'
    } else {
        $completions[$command]
    }
}

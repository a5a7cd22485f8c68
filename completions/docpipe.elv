
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
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ocr 'Text of documents or images: to stdout unless -o'
            cand parse 'Full parse (markdown + images + JSON) into a folder per input'
            cand batch 'Many documents: submit all, wait, download as each finishes; resumable'
            cand status 'State and progress of submitted tasks or batches; with no ID, the recent ones'
            cand fetch 'Download the results of submitted tasks (waits for them to finish)'
            cand providers 'The providers, what each can do, whether a key is set'
            cand completions 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish'
            cand mcp 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docpipe;ocr'= {
            cand --from 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)'
            cand --name 'Name for a document read from stdin (its extension tells the type)'
            cand --pages 'Pages to extract, 1-based: 1-5,8'
            cand --language 'Document language (provider''s codes, e.g. en, ch)'
            cand --model 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)'
            cand --format 'Output format: markdown (default), text, json, or a provider format'
            cand --extra-format 'Extra result formats the provider should add (MinerU: docx, html, latex)'
            cand --table-format 'Mistral: tables as markdown or html'
            cand --transport 'mistralocr: rest (default) or mcp (its MCP endpoint)'
            cand --concurrency 'Documents processed (uploaded, downloaded) at once; default 4'
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --ocr 'Force OCR of scanned pages'
            cand --no-formula 'Skip formula recognition'
            cand --no-table 'Skip table recognition'
            cand --extract-header 'Mistral: return page headers separately instead of inside the text'
            cand --extract-footer 'Mistral: return page footers separately instead of inside the text'
            cand --images 'Save the images of the pages (ocr -o: DIR/<name>_images/; Mistral)'
            cand --no-wait 'Submit, print the IDs, exit without waiting'
            cand --fail-fast 'Stop at the first bad input instead of reporting it and going on with the others'
            cand --retry-failed 'Submit again the documents that failed in an earlier run (same content, provider and options)'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;parse'= {
            cand --from 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)'
            cand --name 'Name for a document read from stdin (its extension tells the type)'
            cand --pages 'Pages to extract, 1-based: 1-5,8'
            cand --language 'Document language (provider''s codes, e.g. en, ch)'
            cand --model 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)'
            cand --format 'Output format: markdown (default), text, json, or a provider format'
            cand --extra-format 'Extra result formats the provider should add (MinerU: docx, html, latex)'
            cand --table-format 'Mistral: tables as markdown or html'
            cand --transport 'mistralocr: rest (default) or mcp (its MCP endpoint)'
            cand --concurrency 'Documents processed (uploaded, downloaded) at once; default 4'
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --ocr 'Force OCR of scanned pages'
            cand --no-formula 'Skip formula recognition'
            cand --no-table 'Skip table recognition'
            cand --extract-header 'Mistral: return page headers separately instead of inside the text'
            cand --extract-footer 'Mistral: return page footers separately instead of inside the text'
            cand --images 'Save the images of the pages (ocr -o: DIR/<name>_images/; Mistral)'
            cand --no-wait 'Submit, print the IDs, exit without waiting'
            cand --fail-fast 'Stop at the first bad input instead of reporting it and going on with the others'
            cand --retry-failed 'Submit again the documents that failed in an earlier run (same content, provider and options)'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;batch'= {
            cand --from 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)'
            cand --name 'Name for a document read from stdin (its extension tells the type)'
            cand --pages 'Pages to extract, 1-based: 1-5,8'
            cand --language 'Document language (provider''s codes, e.g. en, ch)'
            cand --model 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)'
            cand --format 'Output format: markdown (default), text, json, or a provider format'
            cand --extra-format 'Extra result formats the provider should add (MinerU: docx, html, latex)'
            cand --table-format 'Mistral: tables as markdown or html'
            cand --transport 'mistralocr: rest (default) or mcp (its MCP endpoint)'
            cand --concurrency 'Documents processed (uploaded, downloaded) at once; default 4'
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --ocr 'Force OCR of scanned pages'
            cand --no-formula 'Skip formula recognition'
            cand --no-table 'Skip table recognition'
            cand --extract-header 'Mistral: return page headers separately instead of inside the text'
            cand --extract-footer 'Mistral: return page footers separately instead of inside the text'
            cand --images 'Save the images of the pages (ocr -o: DIR/<name>_images/; Mistral)'
            cand --no-wait 'Submit, print the IDs, exit without waiting'
            cand --fail-fast 'Stop at the first bad input instead of reporting it and going on with the others'
            cand --retry-failed 'Submit again the documents that failed in an earlier run (same content, provider and options)'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;status'= {
            cand --recent 'How many recent documents to list without an ID'
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;fetch'= {
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;providers'= {
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;completions'= {
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;mcp'= {
            cand --http 'Serve streamable HTTP on ADDR (e.g. 127.0.0.1:8765, path /mcp) instead of stdio'
            cand --root 'A folder the tools may read from and write to (repeatable); default: the current folder'
            cand --token 'Bearer token HTTP clients must send; required when --http is not a loopback address'
            cand -p 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand --provider 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge'
            cand -o 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand --output 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`'
            cand -c 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --config 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)'
            cand --timeout 'Give up waiting after this long (90s, 5m, 1h); default 30m'
            cand --json 'One JSON object per document per line on stdout'
            cand -q 'No progress or state lines; errors only'
            cand --quiet 'No progress or state lines; errors only'
            cand -v 'Log requests to stderr (keys redacted)'
            cand --verbose 'Log requests to stderr (keys redacted)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'docpipe;help'= {
            cand ocr 'Text of documents or images: to stdout unless -o'
            cand parse 'Full parse (markdown + images + JSON) into a folder per input'
            cand batch 'Many documents: submit all, wait, download as each finishes; resumable'
            cand status 'State and progress of submitted tasks or batches; with no ID, the recent ones'
            cand fetch 'Download the results of submitted tasks (waits for them to finish)'
            cand providers 'The providers, what each can do, whether a key is set'
            cand completions 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish'
            cand mcp 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'docpipe;help;ocr'= {
        }
        &'docpipe;help;parse'= {
        }
        &'docpipe;help;batch'= {
        }
        &'docpipe;help;status'= {
        }
        &'docpipe;help;fetch'= {
        }
        &'docpipe;help;providers'= {
        }
        &'docpipe;help;completions'= {
        }
        &'docpipe;help;mcp'= {
        }
        &'docpipe;help;help'= {
        }
    ]
    $completions[$command]
}

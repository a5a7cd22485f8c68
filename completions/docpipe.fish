# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_docpipe_global_optspecs
    string join \n p/provider= o/output= c/config= json q/quiet v/verbose timeout= no-cache refresh h/help V/version
end

function __fish_docpipe_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_docpipe_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_docpipe_using_subcommand
    set -l cmd (__fish_docpipe_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c docpipe -n "__fish_docpipe_needs_command" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_needs_command" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_needs_command" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_needs_command" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_needs_command" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_needs_command" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_needs_command" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_needs_command" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_needs_command" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_needs_command" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "parse" -d 'Full parse (markdown + images + JSON) into a folder per input'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "batch" -d 'Many documents: submit all, wait, download as each finishes; resumable'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "fetch" -d 'Download the results of submitted tasks (waits for them to finish)'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "estimate" -d 'Pages per document and what they would cost at each provider (a URL counts as unknown length); sends nothing'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "mcp" -d 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "status" -d 'State and progress of submitted tasks or batches; with no ID, the recent ones'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "providers" -d 'The providers, what each can do, whether a key is set'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "cache" -d 'The result cache of paid answers: list, size, verify, prune'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "completions" -d 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "ocr" -d 'Text of documents or images: to stdout unless -o'
complete -c docpipe -n "__fish_docpipe_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l from -d 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l name -d 'Name for a document read from stdin (its extension tells the type)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l pages -d 'Pages to extract, 1-based: 1-5,8' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l language -d 'Document language, in the provider\'s codes (e.g. en, ch, or English, ChinesePRC)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l model -d 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l format -d 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l extra-format -d 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l table-format -d 'Tables as markdown or html' -r -f -a "markdown\t''
html\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l transport -d 'rest (default) or mcp (its MCP endpoint)' -r -f -a "rest\t''
mcp\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l max-pages -d 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l concurrency -d 'Documents processed (uploaded, written) at once, 1-64; default 4; results download from the provider\'s CDN 4 times as many at once (at most 64)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l cloud-pages -d 'With -p auto, which PDF pages go to the cloud: scanned (the pages local cannot read; the others are read here), tables or formulas (those, and the pages with tables or formulas), all (a PDF with any page local cannot read goes whole), none' -r -f -a "scanned\t''
none\t''
all\t''
tables\t''
formulas\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l ocr -d 'Force OCR of scanned pages (every provider but mistral)'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l no-formula -d 'Skip formula recognition'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l no-table -d 'Skip table recognition'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l extract-header -d 'Return page headers separately instead of inside the text'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l extract-footer -d 'Return page footers separately instead of inside the text'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l keep-headers -d 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l no-wait -d 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l fail-fast -d 'Stop at the first bad input instead of reporting it and going on with the others'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l retry-failed -d 'Submit again the documents that failed in an earlier run (same content, provider and options)'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l dry-run -d 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l no-split -d 'Refuse a PDF over the provider\'s page or size limit instead of sending it in parts'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand parse" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l from -d 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l name -d 'Name for a document read from stdin (its extension tells the type)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l pages -d 'Pages to extract, 1-based: 1-5,8' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l language -d 'Document language, in the provider\'s codes (e.g. en, ch, or English, ChinesePRC)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l model -d 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l format -d 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l extra-format -d 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l table-format -d 'Tables as markdown or html' -r -f -a "markdown\t''
html\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l transport -d 'rest (default) or mcp (its MCP endpoint)' -r -f -a "rest\t''
mcp\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l max-pages -d 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l concurrency -d 'Documents processed (uploaded, written) at once, 1-64; default 4; results download from the provider\'s CDN 4 times as many at once (at most 64)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l cloud-pages -d 'With -p auto, which PDF pages go to the cloud: scanned (the pages local cannot read; the others are read here), tables or formulas (those, and the pages with tables or formulas), all (a PDF with any page local cannot read goes whole), none' -r -f -a "scanned\t''
none\t''
all\t''
tables\t''
formulas\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l shard -d 'This machine\'s share of the inputs, I of N (by content hash: disjoint, and the same whatever the input order)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l batch-api -d 'Batch jobs at half the price: auto (from 20 documents), on, off (direct calls)' -r -f -a "auto\t''
on\t''
off\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l ocr -d 'Force OCR of scanned pages (every provider but mistral)'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l no-formula -d 'Skip formula recognition'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l no-table -d 'Skip table recognition'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l extract-header -d 'Return page headers separately instead of inside the text'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l extract-footer -d 'Return page footers separately instead of inside the text'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l keep-headers -d 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l no-wait -d 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l fail-fast -d 'Stop at the first bad input instead of reporting it and going on with the others'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l retry-failed -d 'Submit again the documents that failed in an earlier run (same content, provider and options)'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l dry-run -d 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l no-split -d 'Refuse a PDF over the provider\'s page or size limit instead of sending it in parts'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand batch" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l from -d 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l name -d 'Name for a document read from stdin (its extension tells the type)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l pages -d 'Pages to extract, 1-based: 1-5,8' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l cloud-pages -d 'With -p auto, which PDF pages a run would send to the cloud (and bill): scanned, tables, formulas, all, none (as for ocr, parse and batch)' -r -f -a "scanned\t''
none\t''
all\t''
tables\t''
formulas\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand estimate" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l http -d 'Serve streamable HTTP on ADDR (e.g. 127.0.0.1:8765 or localhost:8765, path /mcp) instead of stdio' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l allow-origin -d 'A web page origin allowed to call the HTTP server besides loopback ones (repeatable), e.g. https://app.example.org' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l root -d 'A folder the tools may read from and write to (repeatable); default: the current folder' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l token -d 'Bearer token HTTP clients must send; required when --http is not a loopback address' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand mcp" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -l recent -d 'How many recent documents to list without an ID' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand status" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand providers" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -f -a "list" -d 'Every entry: key, provider, size, last use (least recently used first)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -f -a "size" -d 'How much the cache holds, its bound and where it is'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -f -a "verify" -d 'Check every entry against its hash; damaged ones are removed'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -f -a "prune" -d 'Remove entries: not used for AGE, of one provider (-p), or all'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and not __fish_seen_subcommand_from list size verify prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from size" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -l older-than -d 'Entries not used for this long (30d, 12h)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -l all -d 'Every entry'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every entry: key, provider, size, last use (least recently used first)'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "size" -d 'How much the cache holds, its bound and where it is'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check every entry against its hash; damaged ones are removed'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove entries: not used for AGE, of one provider (-p), or all'
complete -c docpipe -n "__fish_docpipe_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -s h -l help -d 'Print help'
complete -c docpipe -n "__fish_docpipe_using_subcommand completions" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l from -d 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l name -d 'Name for a document read from stdin (its extension tells the type)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l pages -d 'Pages to extract, 1-based: 1-5,8' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l language -d 'Document language, in the provider\'s codes (e.g. en, ch, or English, ChinesePRC)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l model -d 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l format -d 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l table-format -d 'Tables as markdown or html' -r -f -a "markdown\t''
html\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l transport -d 'rest (default) or mcp (its MCP endpoint)' -r -f -a "rest\t''
mcp\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l max-pages -d 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l concurrency -d 'Documents processed (uploaded, written) at once, 1-64; default 4; results download from the provider\'s CDN 4 times as many at once (at most 64)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l cloud-pages -d 'With -p auto, which PDF pages go to the cloud: scanned (the pages local cannot read; the others are read here), tables or formulas (those, and the pages with tables or formulas), all (a PDF with any page local cannot read goes whole), none' -r -f -a "scanned\t''
none\t''
all\t''
tables\t''
formulas\t''"
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l extra-format -d 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -s p -l provider -d 'Provider (see `docpipe providers`)' -r -f -a "mineru\t'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)'
mineru-flash\t'MinerU flash API: markdown of small documents, no key needed'
parse4ai\t'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)'
mistral\t'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)'
mistralocr\t'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)'
gptge\t'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)'
local\t'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed'
auto\t'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)'"
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -s o -l output -d 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -s c -l config -d 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)' -r -F
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l timeout -d 'Give up waiting after this long (90s, 5m, 1h); default 30m' -r
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l ocr -d 'Force OCR of scanned pages (every provider but mistral)'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l no-formula -d 'Skip formula recognition'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l no-table -d 'Skip table recognition'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l extract-header -d 'Return page headers separately instead of inside the text'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l extract-footer -d 'Return page footers separately instead of inside the text'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l keep-headers -d 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l no-wait -d 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l fail-fast -d 'Stop at the first bad input instead of reporting it and going on with the others'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l retry-failed -d 'Submit again the documents that failed in an earlier run (same content, provider and options)'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l dry-run -d 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l no-split -d 'Refuse a PDF over the provider\'s page or size limit instead of sending it in parts'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l images -d 'Save the page images next to the text (-o DIR: DIR/<name>_images/)'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l no-images -d 'Write no images folder: the markdown\'s image links become their alt text'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l json -d 'One JSON object per document per line on stdout'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -s q -l quiet -d 'No progress or state lines; errors and warnings about security or configuration still show'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -s v -l verbose -d 'Log requests to stderr (keys redacted)'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l no-cache -d 'Neither read nor write the result cache of paid answers for this run'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -l refresh -d 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c docpipe -n "__fish_docpipe_using_subcommand ocr" -s V -l version -d 'Print version'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "parse" -d 'Full parse (markdown + images + JSON) into a folder per input'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "batch" -d 'Many documents: submit all, wait, download as each finishes; resumable'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "fetch" -d 'Download the results of submitted tasks (waits for them to finish)'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "estimate" -d 'Pages per document and what they would cost at each provider (a URL counts as unknown length); sends nothing'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "mcp" -d 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "status" -d 'State and progress of submitted tasks or batches; with no ID, the recent ones'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "providers" -d 'The providers, what each can do, whether a key is set'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "cache" -d 'The result cache of paid answers: list, size, verify, prune'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "completions" -d 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "ocr" -d 'Text of documents or images: to stdout unless -o'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and not __fish_seen_subcommand_from parse batch fetch estimate mcp status providers cache completions ocr help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "list" -d 'Every entry: key, provider, size, last use (least recently used first)'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "size" -d 'How much the cache holds, its bound and where it is'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "verify" -d 'Check every entry against its hash; damaged ones are removed'
complete -c docpipe -n "__fish_docpipe_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "prune" -d 'Remove entries: not used for AGE, of one provider (-p), or all'

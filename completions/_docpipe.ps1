
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'docpipe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements

    # -p / --provider: the provider names, from docpipe's registry.
    $previous = @($commandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition })
    if ($previous.Count -gt 0 -and @('-p', '--provider') -contains $previous[-1].ToString()) {
        return @(
            [CompletionResult]::new('mineru', 'mineru', [CompletionResultType]::ParameterValue, 'MinerU cloud API v4: full parse to markdown, images and JSON (key needed)')
            [CompletionResult]::new('mineru-flash', 'mineru-flash', [CompletionResultType]::ParameterValue, 'MinerU flash API: markdown of small documents, no key needed')
            [CompletionResult]::new('parse4ai', 'parse4ai', [CompletionResultType]::ParameterValue, 'parse4ai: MinerU-compatible parsing of documents at URLs (key needed)')
            [CompletionResult]::new('mistral', 'mistral', [CompletionResultType]::ParameterValue, 'Mistral AI OCR: markdown per page, images and the JSON answer, at once (key needed)')
            [CompletionResult]::new('mistralocr', 'mistralocr', [CompletionResultType]::ParameterValue, 'mistralocr.app (third party, not Mistral AI): text, markdown or JSON, at once (key needed)')
            [CompletionResult]::new('gptge', 'gptge', [CompletionResultType]::ParameterValue, 'gpt.ge task OCR: text, or pdf/docx/xlsx/pptx files of documents and images (key needed)')
            [CompletionResult]::new('local', 'local', [CompletionResultType]::ParameterValue, 'Inside docpipe, no network: born-digital PDF, Office and OpenDocument files, RTF, EPUB, MSG, ZIP, CSV, HTML, JSON, XML, feeds, notebooks, text; scans and images with tesseract if installed')
            [CompletionResult]::new('auto', 'auto', [CompletionResultType]::ParameterValue, 'Per document: local when it has a text layer, else the cloud default (the first provider with a key, else mineru-flash)')
        ).Where{ $_.CompletionText -like "$wordToComplete*" }
    }
    $command = @(
        'docpipe'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'docpipe' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Full parse (markdown + images + JSON) into a folder per input')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Many documents: submit all, wait, download as each finishes; resumable')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download the results of submitted tasks (waits for them to finish)')
            [CompletionResult]::new('estimate', 'estimate', [CompletionResultType]::ParameterValue, 'Pages per document and what they would cost at each provider (a URL counts as unknown length); sends nothing')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State and progress of submitted tasks or batches; with no ID, the recent ones')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'The providers, what each can do, whether a key is set')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The result cache of paid answers: list, size, verify, prune')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish')
            [CompletionResult]::new('ocr', 'ocr', [CompletionResultType]::ParameterValue, 'Text of documents or images: to stdout unless -o')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docpipe;parse' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name for a document read from stdin (its extension tells the type)')
            [CompletionResult]::new('--pages', '--pages', [CompletionResultType]::ParameterName, 'Pages to extract, 1-based: 1-5,8')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Document language, in the provider''s codes (e.g. en, ch, or English, ChinesePRC)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)')
            [CompletionResult]::new('--extra-format', '--extra-format', [CompletionResultType]::ParameterName, 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)')
            [CompletionResult]::new('--table-format', '--table-format', [CompletionResultType]::ParameterName, 'Tables as markdown or html')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'rest (default) or mcp (its MCP endpoint)')
            [CompletionResult]::new('--max-pages', '--max-pages', [CompletionResultType]::ParameterName, 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Documents processed (uploaded, written) at once, 1-64; default 4; results download from the provider''s CDN 4 times as many at once (at most 64)')
            [CompletionResult]::new('--cloud-pages', '--cloud-pages', [CompletionResultType]::ParameterName, 'With -p auto, which PDF pages go to the cloud: scanned (the pages local cannot read; the others are read here), tables or formulas (those, and the pages with tables or formulas), all (a PDF with any page local cannot read goes whole), none')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--ocr', '--ocr', [CompletionResultType]::ParameterName, 'Force OCR of scanned pages (every provider but mistral)')
            [CompletionResult]::new('--no-formula', '--no-formula', [CompletionResultType]::ParameterName, 'Skip formula recognition')
            [CompletionResult]::new('--no-table', '--no-table', [CompletionResultType]::ParameterName, 'Skip table recognition')
            [CompletionResult]::new('--extract-header', '--extract-header', [CompletionResultType]::ParameterName, 'Return page headers separately instead of inside the text')
            [CompletionResult]::new('--extract-footer', '--extract-footer', [CompletionResultType]::ParameterName, 'Return page footers separately instead of inside the text')
            [CompletionResult]::new('--keep-headers', '--keep-headers', [CompletionResultType]::ParameterName, 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first bad input instead of reporting it and going on with the others')
            [CompletionResult]::new('--retry-failed', '--retry-failed', [CompletionResultType]::ParameterName, 'Submit again the documents that failed in an earlier run (same content, provider and options)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing')
            [CompletionResult]::new('--no-split', '--no-split', [CompletionResultType]::ParameterName, 'Refuse a PDF over the provider''s page or size limit instead of sending it in parts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;batch' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name for a document read from stdin (its extension tells the type)')
            [CompletionResult]::new('--pages', '--pages', [CompletionResultType]::ParameterName, 'Pages to extract, 1-based: 1-5,8')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Document language, in the provider''s codes (e.g. en, ch, or English, ChinesePRC)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)')
            [CompletionResult]::new('--extra-format', '--extra-format', [CompletionResultType]::ParameterName, 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)')
            [CompletionResult]::new('--table-format', '--table-format', [CompletionResultType]::ParameterName, 'Tables as markdown or html')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'rest (default) or mcp (its MCP endpoint)')
            [CompletionResult]::new('--max-pages', '--max-pages', [CompletionResultType]::ParameterName, 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Documents processed (uploaded, written) at once, 1-64; default 4; results download from the provider''s CDN 4 times as many at once (at most 64)')
            [CompletionResult]::new('--cloud-pages', '--cloud-pages', [CompletionResultType]::ParameterName, 'With -p auto, which PDF pages go to the cloud: scanned (the pages local cannot read; the others are read here), tables or formulas (those, and the pages with tables or formulas), all (a PDF with any page local cannot read goes whole), none')
            [CompletionResult]::new('--shard', '--shard', [CompletionResultType]::ParameterName, 'This machine''s share of the inputs, I of N (by content hash: disjoint, and the same whatever the input order)')
            [CompletionResult]::new('--batch-api', '--batch-api', [CompletionResultType]::ParameterName, 'Batch jobs at half the price: auto (from 20 documents), on, off (direct calls)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--ocr', '--ocr', [CompletionResultType]::ParameterName, 'Force OCR of scanned pages (every provider but mistral)')
            [CompletionResult]::new('--no-formula', '--no-formula', [CompletionResultType]::ParameterName, 'Skip formula recognition')
            [CompletionResult]::new('--no-table', '--no-table', [CompletionResultType]::ParameterName, 'Skip table recognition')
            [CompletionResult]::new('--extract-header', '--extract-header', [CompletionResultType]::ParameterName, 'Return page headers separately instead of inside the text')
            [CompletionResult]::new('--extract-footer', '--extract-footer', [CompletionResultType]::ParameterName, 'Return page footers separately instead of inside the text')
            [CompletionResult]::new('--keep-headers', '--keep-headers', [CompletionResultType]::ParameterName, 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first bad input instead of reporting it and going on with the others')
            [CompletionResult]::new('--retry-failed', '--retry-failed', [CompletionResultType]::ParameterName, 'Submit again the documents that failed in an earlier run (same content, provider and options)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing')
            [CompletionResult]::new('--no-split', '--no-split', [CompletionResultType]::ParameterName, 'Refuse a PDF over the provider''s page or size limit instead of sending it in parts')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;fetch' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;estimate' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name for a document read from stdin (its extension tells the type)')
            [CompletionResult]::new('--pages', '--pages', [CompletionResultType]::ParameterName, 'Pages to extract, 1-based: 1-5,8')
            [CompletionResult]::new('--cloud-pages', '--cloud-pages', [CompletionResultType]::ParameterName, 'With -p auto, which PDF pages a run would send to the cloud (and bill): scanned, tables, formulas, all, none (as for ocr, parse and batch)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;mcp' {
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Serve streamable HTTP on ADDR (e.g. 127.0.0.1:8765 or localhost:8765, path /mcp) instead of stdio')
            [CompletionResult]::new('--allow-origin', '--allow-origin', [CompletionResultType]::ParameterName, 'A web page origin allowed to call the HTTP server besides loopback ones (repeatable), e.g. https://app.example.org')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'A folder the tools may read from and write to (repeatable); default: the current folder')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token HTTP clients must send; required when --http is not a loopback address')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;status' {
            [CompletionResult]::new('--recent', '--recent', [CompletionResultType]::ParameterName, 'How many recent documents to list without an ID')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;providers' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;cache' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every entry: key, provider, size, last use (least recently used first)')
            [CompletionResult]::new('size', 'size', [CompletionResultType]::ParameterValue, 'How much the cache holds, its bound and where it is')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every entry against its hash; damaged ones are removed')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove entries: not used for AGE, of one provider (-p), or all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docpipe;cache;list' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;cache;size' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;cache;verify' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;cache;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Entries not used for this long (30d, 12h)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every entry')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;cache;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every entry: key, provider, size, last use (least recently used first)')
            [CompletionResult]::new('size', 'size', [CompletionResultType]::ParameterValue, 'How much the cache holds, its bound and where it is')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every entry against its hash; damaged ones are removed')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove entries: not used for AGE, of one provider (-p), or all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docpipe;cache;help;list' {
            break
        }
        'docpipe;cache;help;size' {
            break
        }
        'docpipe;cache;help;verify' {
            break
        }
        'docpipe;cache;help;prune' {
            break
        }
        'docpipe;cache;help;help' {
            break
        }
        'docpipe;completions' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;ocr' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name for a document read from stdin (its extension tells the type)')
            [CompletionResult]::new('--pages', '--pages', [CompletionResultType]::ParameterName, 'Pages to extract, 1-based: 1-5,8')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Document language, in the provider''s codes (e.g. en, ch, or English, ChinesePRC)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: markdown (default), text, json, or a file format a provider writes (docx, pdf, xlsx, pptx: see `docpipe providers`)')
            [CompletionResult]::new('--table-format', '--table-format', [CompletionResultType]::ParameterName, 'Tables as markdown or html')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'rest (default) or mcp (its MCP endpoint)')
            [CompletionResult]::new('--max-pages', '--max-pages', [CompletionResultType]::ParameterName, 'Page budget of the run: documents that would take it over N pages are not submitted (exit 8); pages extracted by `local` are not counted')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Documents processed (uploaded, written) at once, 1-64; default 4; results download from the provider''s CDN 4 times as many at once (at most 64)')
            [CompletionResult]::new('--cloud-pages', '--cloud-pages', [CompletionResultType]::ParameterName, 'With -p auto, which PDF pages go to the cloud: scanned (the pages local cannot read; the others are read here), tables or formulas (those, and the pages with tables or formulas), all (a PDF with any page local cannot read goes whole), none')
            [CompletionResult]::new('--extra-format', '--extra-format', [CompletionResultType]::ParameterName, 'Extra result files MinerU should add: docx, html, latex (not mineru-flash)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider (see `docpipe providers`)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--ocr', '--ocr', [CompletionResultType]::ParameterName, 'Force OCR of scanned pages (every provider but mistral)')
            [CompletionResult]::new('--no-formula', '--no-formula', [CompletionResultType]::ParameterName, 'Skip formula recognition')
            [CompletionResult]::new('--no-table', '--no-table', [CompletionResultType]::ParameterName, 'Skip table recognition')
            [CompletionResult]::new('--extract-header', '--extract-header', [CompletionResultType]::ParameterName, 'Return page headers separately instead of inside the text')
            [CompletionResult]::new('--extract-footer', '--extract-footer', [CompletionResultType]::ParameterName, 'Return page footers separately instead of inside the text')
            [CompletionResult]::new('--keep-headers', '--keep-headers', [CompletionResultType]::ParameterName, 'Keep running page headers and footers in the text (local; they are typed blocks in the JSON either way)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Submit and record, print the IDs, exit without waiting (the same command again, or fetch, finishes)')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first bad input instead of reporting it and going on with the others')
            [CompletionResult]::new('--retry-failed', '--retry-failed', [CompletionResultType]::ParameterName, 'Submit again the documents that failed in an earlier run (same content, provider and options)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Plan only: check the inputs against the record and the provider, count pages and cost; send nothing')
            [CompletionResult]::new('--no-split', '--no-split', [CompletionResultType]::ParameterName, 'Refuse a PDF over the provider''s page or size limit instead of sending it in parts')
            [CompletionResult]::new('--images', '--images', [CompletionResultType]::ParameterName, 'Save the page images next to the text (-o DIR: DIR/<name>_images/)')
            [CompletionResult]::new('--no-images', '--no-images', [CompletionResultType]::ParameterName, 'Write no images folder: the markdown''s image links become their alt text')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors and warnings about security or configuration still show')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the result cache of paid answers for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Do not read the result cache: documents with no task on record here are paid for again, replacing their entries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;help' {
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Full parse (markdown + images + JSON) into a folder per input')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Many documents: submit all, wait, download as each finishes; resumable')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download the results of submitted tasks (waits for them to finish)')
            [CompletionResult]::new('estimate', 'estimate', [CompletionResultType]::ParameterValue, 'Pages per document and what they would cost at each provider (a URL counts as unknown length); sends nothing')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State and progress of submitted tasks or batches; with no ID, the recent ones')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'The providers, what each can do, whether a key is set')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'The result cache of paid answers: list, size, verify, prune')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish')
            [CompletionResult]::new('ocr', 'ocr', [CompletionResultType]::ParameterValue, 'Text of documents or images: to stdout unless -o')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docpipe;help;parse' {
            break
        }
        'docpipe;help;batch' {
            break
        }
        'docpipe;help;fetch' {
            break
        }
        'docpipe;help;estimate' {
            break
        }
        'docpipe;help;mcp' {
            break
        }
        'docpipe;help;status' {
            break
        }
        'docpipe;help;providers' {
            break
        }
        'docpipe;help;cache' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every entry: key, provider, size, last use (least recently used first)')
            [CompletionResult]::new('size', 'size', [CompletionResultType]::ParameterValue, 'How much the cache holds, its bound and where it is')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check every entry against its hash; damaged ones are removed')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove entries: not used for AGE, of one provider (-p), or all')
            break
        }
        'docpipe;help;cache;list' {
            break
        }
        'docpipe;help;cache;size' {
            break
        }
        'docpipe;help;cache;verify' {
            break
        }
        'docpipe;help;cache;prune' {
            break
        }
        'docpipe;help;completions' {
            break
        }
        'docpipe;help;ocr' {
            break
        }
        'docpipe;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

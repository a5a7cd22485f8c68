
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'docpipe' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
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
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ocr', 'ocr', [CompletionResultType]::ParameterValue, 'Text of documents or images: to stdout unless -o')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Full parse (markdown + images + JSON) into a folder per input')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Many documents: submit all, wait, download as each finishes; resumable')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State and progress of submitted tasks or batches; with no ID, the recent ones')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download the results of submitted tasks (waits for them to finish)')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'The providers, what each can do, whether a key is set')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docpipe;ocr' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name for a document read from stdin (its extension tells the type)')
            [CompletionResult]::new('--pages', '--pages', [CompletionResultType]::ParameterName, 'Pages to extract, 1-based: 1-5,8')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Document language (provider''s codes, e.g. en, ch)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: markdown (default), text, json, or a provider format')
            [CompletionResult]::new('--extra-format', '--extra-format', [CompletionResultType]::ParameterName, 'Extra result formats the provider should add (MinerU: docx, html, latex)')
            [CompletionResult]::new('--table-format', '--table-format', [CompletionResultType]::ParameterName, 'Mistral: tables as markdown or html')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'mistralocr: rest (default) or mcp (its MCP endpoint)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Documents processed (uploaded, downloaded) at once; default 4')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--ocr', '--ocr', [CompletionResultType]::ParameterName, 'Force OCR of scanned pages')
            [CompletionResult]::new('--no-formula', '--no-formula', [CompletionResultType]::ParameterName, 'Skip formula recognition')
            [CompletionResult]::new('--no-table', '--no-table', [CompletionResultType]::ParameterName, 'Skip table recognition')
            [CompletionResult]::new('--extract-header', '--extract-header', [CompletionResultType]::ParameterName, 'Mistral: return page headers separately instead of inside the text')
            [CompletionResult]::new('--extract-footer', '--extract-footer', [CompletionResultType]::ParameterName, 'Mistral: return page footers separately instead of inside the text')
            [CompletionResult]::new('--images', '--images', [CompletionResultType]::ParameterName, 'Save the images of the pages (ocr -o: DIR/<name>_images/; Mistral)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Submit, print the IDs, exit without waiting')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first bad input instead of reporting it and going on with the others')
            [CompletionResult]::new('--retry-failed', '--retry-failed', [CompletionResultType]::ParameterName, 'Submit again the documents that failed in an earlier run (same content, provider and options)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;parse' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name for a document read from stdin (its extension tells the type)')
            [CompletionResult]::new('--pages', '--pages', [CompletionResultType]::ParameterName, 'Pages to extract, 1-based: 1-5,8')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Document language (provider''s codes, e.g. en, ch)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: markdown (default), text, json, or a provider format')
            [CompletionResult]::new('--extra-format', '--extra-format', [CompletionResultType]::ParameterName, 'Extra result formats the provider should add (MinerU: docx, html, latex)')
            [CompletionResult]::new('--table-format', '--table-format', [CompletionResultType]::ParameterName, 'Mistral: tables as markdown or html')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'mistralocr: rest (default) or mcp (its MCP endpoint)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Documents processed (uploaded, downloaded) at once; default 4')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--ocr', '--ocr', [CompletionResultType]::ParameterName, 'Force OCR of scanned pages')
            [CompletionResult]::new('--no-formula', '--no-formula', [CompletionResultType]::ParameterName, 'Skip formula recognition')
            [CompletionResult]::new('--no-table', '--no-table', [CompletionResultType]::ParameterName, 'Skip table recognition')
            [CompletionResult]::new('--extract-header', '--extract-header', [CompletionResultType]::ParameterName, 'Mistral: return page headers separately instead of inside the text')
            [CompletionResult]::new('--extract-footer', '--extract-footer', [CompletionResultType]::ParameterName, 'Mistral: return page footers separately instead of inside the text')
            [CompletionResult]::new('--images', '--images', [CompletionResultType]::ParameterName, 'Save the images of the pages (ocr -o: DIR/<name>_images/; Mistral)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Submit, print the IDs, exit without waiting')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first bad input instead of reporting it and going on with the others')
            [CompletionResult]::new('--retry-failed', '--retry-failed', [CompletionResultType]::ParameterName, 'Submit again the documents that failed in an earlier run (same content, provider and options)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;batch' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read one INPUT per line from FILE (- for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name for a document read from stdin (its extension tells the type)')
            [CompletionResult]::new('--pages', '--pages', [CompletionResultType]::ParameterName, 'Pages to extract, 1-based: 1-5,8')
            [CompletionResult]::new('--language', '--language', [CompletionResultType]::ParameterName, 'Document language (provider''s codes, e.g. en, ch)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Provider model (MinerU: pipeline, vlm, html; Mistral: mistral-ocr-latest)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format: markdown (default), text, json, or a provider format')
            [CompletionResult]::new('--extra-format', '--extra-format', [CompletionResultType]::ParameterName, 'Extra result formats the provider should add (MinerU: docx, html, latex)')
            [CompletionResult]::new('--table-format', '--table-format', [CompletionResultType]::ParameterName, 'Mistral: tables as markdown or html')
            [CompletionResult]::new('--transport', '--transport', [CompletionResultType]::ParameterName, 'mistralocr: rest (default) or mcp (its MCP endpoint)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Documents processed (uploaded, downloaded) at once; default 4')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--ocr', '--ocr', [CompletionResultType]::ParameterName, 'Force OCR of scanned pages')
            [CompletionResult]::new('--no-formula', '--no-formula', [CompletionResultType]::ParameterName, 'Skip formula recognition')
            [CompletionResult]::new('--no-table', '--no-table', [CompletionResultType]::ParameterName, 'Skip table recognition')
            [CompletionResult]::new('--extract-header', '--extract-header', [CompletionResultType]::ParameterName, 'Mistral: return page headers separately instead of inside the text')
            [CompletionResult]::new('--extract-footer', '--extract-footer', [CompletionResultType]::ParameterName, 'Mistral: return page footers separately instead of inside the text')
            [CompletionResult]::new('--images', '--images', [CompletionResultType]::ParameterName, 'Save the images of the pages (ocr -o: DIR/<name>_images/; Mistral)')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Submit, print the IDs, exit without waiting')
            [CompletionResult]::new('--fail-fast', '--fail-fast', [CompletionResultType]::ParameterName, 'Stop at the first bad input instead of reporting it and going on with the others')
            [CompletionResult]::new('--retry-failed', '--retry-failed', [CompletionResultType]::ParameterName, 'Submit again the documents that failed in an earlier run (same content, provider and options)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;status' {
            [CompletionResult]::new('--recent', '--recent', [CompletionResultType]::ParameterName, 'How many recent documents to list without an ID')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;fetch' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;providers' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;completions' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;mcp' {
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Serve streamable HTTP on ADDR (e.g. 127.0.0.1:8765, path /mcp) instead of stdio')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'A folder the tools may read from and write to (repeatable); default: the current folder')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token HTTP clients must send; required when --http is not a loopback address')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider: mineru, mineru-flash, parse4ai, mistral, mistralocr, gptge')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output folder (or file for a single `ocr` input); stdout when absent for `ocr`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (default: $DOCPIPE_CONFIG, else <config dir>/docpipe/config.toml)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (90s, 5m, 1h); default 30m')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per document per line on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or state lines; errors only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log requests to stderr (keys redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'docpipe;help' {
            [CompletionResult]::new('ocr', 'ocr', [CompletionResultType]::ParameterValue, 'Text of documents or images: to stdout unless -o')
            [CompletionResult]::new('parse', 'parse', [CompletionResultType]::ParameterValue, 'Full parse (markdown + images + JSON) into a folder per input')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Many documents: submit all, wait, download as each finishes; resumable')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'State and progress of submitted tasks or batches; with no ID, the recent ones')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download the results of submitted tasks (waits for them to finish)')
            [CompletionResult]::new('providers', 'providers', [CompletionResultType]::ParameterValue, 'The providers, what each can do, whether a key is set')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completion script on stdout: bash, zsh, fish, powershell, elvish')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Serve the providers to AI agents as an MCP server (stdio, or HTTP with --http)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'docpipe;help;ocr' {
            break
        }
        'docpipe;help;parse' {
            break
        }
        'docpipe;help;batch' {
            break
        }
        'docpipe;help;status' {
            break
        }
        'docpipe;help;fetch' {
            break
        }
        'docpipe;help;providers' {
            break
        }
        'docpipe;help;completions' {
            break
        }
        'docpipe;help;mcp' {
            break
        }
        'docpipe;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

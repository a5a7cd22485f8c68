use clap::Parser;

fn main() {
    let cli = docpipe::cli::Cli::parse();
    std::process::exit(docpipe::run(cli));
}

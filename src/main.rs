fn main() {
    let cli = docpipe::cli::parse();
    std::process::exit(docpipe::run(cli));
}

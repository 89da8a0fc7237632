fn main() -> std::process::ExitCode {
    paperledger::cli::main()
}

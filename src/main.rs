fn main() -> std::process::ExitCode {
    threatls::cli::main()
}

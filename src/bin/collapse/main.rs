//! `collapse`: the command line of model-collapse ([`model_collapse::cli`]).

fn main() -> std::process::ExitCode {
    model_collapse::cli::main()
}

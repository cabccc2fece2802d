//! Prints what `gcm::formats` makes of a report: the canonical text, or its passages with pages.
//! `cargo run --example extract_report -- FILE [--passages]`

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: extract_report FILE [--passages]");
    let passages = args.next().as_deref() == Some("--passages");
    let bytes = std::fs::read(&path).expect("readable file");
    let format = match gcm::formats::detect(&bytes, Some(&path)) {
        Ok(format) => format,
        Err(error) => {
            eprintln!("{path}: {error} ({})", error.status());
            std::process::exit(1);
        }
    };
    match gcm::formats::extract(&bytes, format, &gcm::formats::ExtractLimits::default()) {
        Ok(extracted) if passages => {
            for passage in gcm::formats::passages(&extracted) {
                println!("{}", serde_json::to_string(&passage).expect("serialisable"));
            }
        }
        Ok(extracted) => print!("{}", extracted.text),
        Err(error) => {
            eprintln!("{path}: {error} ({})", error.status());
            std::process::exit(1);
        }
    }
}

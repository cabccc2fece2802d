//! `gcm synth`: a deterministic synthetic world in the import format.

use anyhow::{bail, Context};

use crate::cli::SynthOptions;

pub fn synth(options: SynthOptions) -> anyhow::Result<()> {
    let reference = crate::framework::ReferenceData::bundled()?;
    let codes: Vec<String> = reference.countries.iter().map(|c| c.iso3.clone()).collect();
    if options.countries == 0 || options.countries > codes.len() {
        bail!("--countries must be 1-{}", codes.len());
    }
    if options.cycles == 0 || options.items_per_country == 0 {
        bail!("--cycles and --items-per-country must be at least 1");
    }
    let spec = crate::synth::SynthSpec {
        countries: options.countries,
        items_per_country: options.items_per_country,
        cycles: options.cycles,
        seed: options.seed,
    };
    let world = crate::synth::generate(&spec, &codes);
    world
        .write(&options.out)
        .with_context(|| format!("cannot write {}", options.out.display()))?;
    println!(
        "wrote {} cycles, {} sources and {} items to {}",
        world.cycles.len(),
        world.sources.len(),
        world.items.len(),
        options.out.display()
    );
    Ok(())
}

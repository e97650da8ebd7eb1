//! Where a replay's playbook may come from and where a plan may go:
//! nothing is read or overwritten that must not be.

use super::*;

/// The path `playbook:` in an answers file names, or `None` for an id. A
/// path must lead to a file inside the answers file's directory or a
/// playbook search directory (tried relative to the answers file, then to
/// the current directory). An
/// answers file comes from anywhere; it must not make defuse read, and
/// quote in an error, any other file (#12 item 12).
pub(super) fn playbook_path_in_answers(
    name: &str,
    answers: &Path,
    playbook_dirs: &[PathBuf],
) -> Result<Option<String>, Error> {
    let looks_like_path =
        name.contains(['/', '\\']) || name.ends_with(".yaml") || name.ends_with(".yml");
    if !looks_like_path {
        return Ok(None);
    }
    let name = name.strip_prefix("./").unwrap_or(name);
    let answers_dir = answers
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let allowed: Vec<PathBuf> = std::iter::once(answers_dir.to_owned())
        .chain(catalog::search_dirs(playbook_dirs))
        .filter_map(|dir| std::fs::canonicalize(dir).ok())
        .collect();
    let inside = |candidate: &PathBuf| {
        std::fs::canonicalize(candidate)
            .is_ok_and(|real| allowed.iter().any(|dir| real.starts_with(dir)))
    };
    [answers_dir.join(name), PathBuf::from(name)]
        .into_iter()
        .find(inside)
        .map(|path| Some(path.display().to_string()))
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: `playbook: {name}` is not a playbook file in the answers file's \
                 directory or a playbook directory; name a playbook id, or pass --playbook PATH",
                answers.display()
            ))
        })
}

pub(super) fn source_path(source: &Source) -> Option<&Path> {
    match source {
        Source::File(path) => Some(path),
        Source::Embedded(_) => None,
    }
}

/// `--out` must never name a file being read: with `--force` the plan
/// would replace the answers or the playbook (#12 item 2).
pub(super) fn refuse_inputs_as_out(
    args: &TriageArgs,
    inputs: &[Option<&Path>],
) -> Result<(), Error> {
    match &args.out {
        Some(out) if !is_stdout(out) => {
            let inputs: Vec<&Path> = inputs.iter().flatten().copied().collect();
            refuse_input_as_output(out, &inputs)
        }
        _ => Ok(()),
    }
}

/// Writes the plan where asked; returns the file path (None for stdout).
pub(super) fn write_plan(
    args: &TriageArgs,
    plan: &Plan,
    io: &mut Io,
) -> Result<Option<PathBuf>, Error> {
    let (text, ext) = match args.format {
        PlanFormat::Md => (markdown::render(plan), "md"),
        PlanFormat::Json => (plan.to_json(), "json"),
    };
    match &args.out {
        Some(path) if is_stdout(path) => {
            io.print(&text)?;
            Ok(None)
        }
        Some(path) => {
            write_file(path, text.as_bytes(), args.force)?;
            Ok(Some(path.clone()))
        }
        None => {
            let dir = default_plan_dir(|name| io.env.var_os(name));
            write_new(&dir, &plan.case.id, ext, text.as_bytes()).map(Some)
        }
    }
}

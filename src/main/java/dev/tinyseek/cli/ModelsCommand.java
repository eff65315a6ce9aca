package dev.tinyseek.cli;

import dev.tinyseek.experiments.TinyModels;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/// `tinyseek models`: the shipped tiny models in `tiny-models/` ([TinyModels]) — list them, make
/// one again from scratch with the recipe its card records, or check that every card still tells
/// the truth.
final class ModelsCommand implements Main.Command {

    @Override
    public String summary() {
        return "the shipped tiny models: list, make again from scratch, check their cards";
    }

    static Args spec() {
        return new Args("models", "The small trained models shipped in tiny-models/, each with a model card.\n"
                + "  tinyseek models list              the recipes and what is shipped\n"
                + "  tinyseek models make NAME...      makes a model from scratch with its recipe and writes its card\n"
                + "  tinyseek models check [DIR...]    loads each model and recomputes what its card states")
                .positional("ACTION", "list | make | check")
                .positional("NAME...", "recipe names (make) or model directories (check; default: all of tiny-models/)")
                .option("dir", "DIR", "tiny-models", "where the shipped models live");
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args a = spec().parseOrHelp(argv, out);
        String action = a.positional(0, "ACTION");
        List<String> rest = a.positionals().subList(1, a.positionals().size());
        Path root = Path.of(a.string("dir"));
        return switch (action) {
            case "list" -> TinyModels.list(root, out);
            case "make" -> make(rest, root, out);
            case "check" -> TinyModels.check(rest.isEmpty() ? TinyModels.shipped(root) : rest.stream().map(Path::of).toList(), out);
            default -> throw new Args.UsageException("unknown action '" + action + "'; valid: list, make, check");
        };
    }

    private static int make(List<String> names, Path root, PrintStream out) throws Exception {
        if (names.isEmpty()) {
            throw new Args.UsageException("models make needs a recipe name; valid: " + TinyModels.names());
        }
        List<TinyModels.Recipe> recipes = names.stream().map(n -> Args.usage(() -> TinyModels.recipe(n))).toList(); // all checked before the first (long) run
        for (TinyModels.Recipe r : recipes) {
            TinyModels.make(r, root, (argv, o) -> Main.run(argv, o, o), out);
        }
        return 0;
    }
}

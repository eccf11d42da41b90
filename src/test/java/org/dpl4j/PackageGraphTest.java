package org.dpl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.dpl4j.testutil.JavaSource;
import org.junit.jupiter.api.Test;

/**
 * The packages of {@code src/main/java} use only what the table of docs/design.md §3 allows them
 * to, and that table is layered (each row may use only rows above it), so no package reaches back
 * up and there is no cycle. Every package is a node of its own: {@code model.io} is not part of
 * {@code model}. The scan reads every project class named in code (imports, static imports,
 * wildcard imports and qualified names; comments and strings do not count).
 */
class PackageGraphTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Path DESIGN = Path.of("docs/design.md");
    private static final String ROOT = "org.dpl4j";

    /** A project class named in code: its package's path after {@code org.dpl4j.}, then the class or {@code *}. */
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.dpl4j\\.((?:[a-z_]\\w*\\.)+)([A-Z]\\w*|\\*)");
    /** A row of the package table: {@code | `name` | what it holds | may use |}. */
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z.]+)`[^|]*\\|.*\\| ([^|]+) \\|\\s*$");
    private static final Pattern SECTION_3 = Pattern.compile("(?m)^## 3\\.");
    private static final Pattern NAME = Pattern.compile("`([a-z.]+)`");

    /** One package naming another, first seen at {@code where} ({@code file:line}). */
    record Edge(String from, String to, String where) {
        @Override
        public String toString() {
            return from + " -> " + to + "  (" + where + ")";
        }
    }

    @Test
    void everyEdgeIsOneTheDesignAllows() throws IOException {
        Map<String, Set<String>> allowed = table(Files.readString(DESIGN));
        List<Edge> edges = edges(mainSources());
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(violations(edges, allowed)).as("edges that docs/design.md §3 does not allow").isEmpty();
            Set<Set<String>> cycles = cycles(edges);
            soft.assertThat(cycles).as("packages that depend on each other, through the edges\n"
                    + list(edges.stream().filter(e -> cycles.stream().anyMatch(c -> c.contains(e.from()) && c.contains(e.to()))).toList()))
                    .isEmpty();
        });
    }

    @Test
    void theTableIsLayeredAndNamesEveryPackage() throws IOException {
        Map<String, Set<String>> allowed = table(Files.readString(DESIGN));
        assertThat(allowed.keySet()).as("the rows of docs/design.md §3").containsExactlyInAnyOrderElementsOf(packages(mainSources()));
        List<String> order = new ArrayList<>(allowed.keySet());
        for (String p : order) {
            Set<String> below = Set.copyOf(order.subList(0, order.indexOf(p)));
            assertThat(allowed.get(p)).as("what " + p + " may use (only packages listed before it)").isSubsetOf(below);
        }
    }

    @Test
    void theScanFindsReferencesInCodeAndTheSearchFindsEveryCycle() {
        Map<String, String> sources = new TreeMap<>();
        sources.put("org/dpl4j/a/A.java", """
                package org.dpl4j.a;
                import org.dpl4j.b.io.B;
                // import org.dpl4j.c.C;
                /** {@link org.dpl4j.d.D} */
                class A { String s = "org.dpl4j.e.E"; org.dpl4j.a.A self; }
                """);
        sources.put("org/dpl4j/b/io/B.java", "package org.dpl4j.b.io;\nimport static org.dpl4j.a.A.f;\nimport org.dpl4j.b.X;\n");
        sources.put("org/dpl4j/c/C.java", "package org.dpl4j.c;\nimport org.dpl4j.d.*;\n");
        sources.put("org/dpl4j/d/D.java", "package org.dpl4j.d;\nclass D { Object x = new org.dpl4j.e.E(); }\n");
        sources.put("org/dpl4j/e/E.java", "package org.dpl4j.e;\nclass E {\n\n java.util.List<org.dpl4j.c.C> l; }\n");

        List<Edge> edges = edges(sources);

        assertThat(edges).containsExactlyInAnyOrder(
                new Edge("a", "b.io", "org/dpl4j/a/A.java:2"),
                new Edge("b.io", "a", "org/dpl4j/b/io/B.java:2"),
                new Edge("b.io", "b", "org/dpl4j/b/io/B.java:3"),
                new Edge("c", "d", "org/dpl4j/c/C.java:2"),
                new Edge("d", "e", "org/dpl4j/d/D.java:2"),
                new Edge("e", "c", "org/dpl4j/e/E.java:4"));
        assertThat(cycles(edges)).containsExactlyInAnyOrder(Set.of("a", "b.io"), Set.of("c", "d", "e"));
        assertThat(cycles(edges.subList(0, 5))).containsExactly(Set.of("a", "b.io"));
        assertThat(packages(sources)).containsExactly("a", "b.io", "c", "d", "e");
    }

    @Test
    void theTableIsReadFromTheDesignAndAnEdgeItDoesNotListIsReported() {
        String doc = """
                ## 2. Before
                | `x` | not this table | `y` |
                ## 3. Package map and layering

                | package | what it holds | may use |
                |---|---|---|
                | `util` | files | — |
                | `model` (CLIP) | encoders, `Ops` | `util` |
                | `model.io` | loaders | `model`, `util` |
                | `cli` | commands | everything |

                ## 4. After
                | `z` | not this table either | `util` |
                """;
        Map<String, Set<String>> t = table(doc);

        assertThat(t).containsExactly(Map.entry("util", Set.of()), Map.entry("model", Set.of("util")),
                Map.entry("model.io", Set.of("model", "util")), Map.entry("cli", Set.of("util", "model", "model.io")));
        List<Edge> edges = List.of(new Edge("model.io", "model", "L.java:1"), new Edge("model", "model.io", "M.java:2"),
                new Edge("cli", "model.io", "C.java:3"));
        assertThat(violations(edges, t)).containsExactly("model -> model.io  (M.java:2): model may use only [util]");
        assertThat(violations(List.of(new Edge("util", "x", "U.java:4")), t))
                .containsExactly("util -> x  (U.java:4): util may use nothing; x is not in the table");
        assertThatThrownBy(() -> table("## 3. Package map\nno table\n## 4.")).hasMessageContaining("no package table");
    }

    /** Source text by path relative to {@code src/main/java}. */
    private static Map<String, String> mainSources() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.put(MAIN.relativize(f).toString().replace('\\', '/'), Files.readString(f));
            }
        }
        assertThat(sources).as("no sources under " + MAIN.toAbsolutePath()).isNotEmpty();
        return sources;
    }

    /**
     * The package table of §3 in row order: each package with the packages it may use
     * ({@code —}: none; {@code everything}: every package listed before it).
     */
    static Map<String, Set<String>> table(String design) {
        Matcher section = SECTION_3.matcher(design);
        if (!section.find()) {
            throw new IllegalStateException("docs/design.md has no section 3");
        }
        int start = section.start();
        int end = design.indexOf("\n## ", start + 1);
        Map<String, Set<String>> rows = new LinkedHashMap<>();
        for (String line : design.substring(start, end < 0 ? design.length() : end).split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                Set<String> uses = new LinkedHashSet<>();
                if (m.group(2).trim().equals("everything")) {
                    uses.addAll(rows.keySet());
                } else {
                    Matcher n = NAME.matcher(m.group(2));
                    while (n.find()) {
                        uses.add(n.group(1));
                    }
                }
                rows.put(m.group(1), uses);
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("docs/design.md section 3 has no package table");
        }
        return rows;
    }

    /** The edges {@code allowed} does not list, each with what its source may use. */
    static List<String> violations(List<Edge> edges, Map<String, Set<String>> allowed) {
        List<String> out = new ArrayList<>();
        for (Edge e : edges) {
            Set<String> may = allowed.getOrDefault(e.from(), Set.of());
            if (!may.contains(e.to())) {
                out.add(e + ": " + e.from() + " may use " + (may.isEmpty() ? "nothing" : "only " + new TreeSet<>(may))
                        + (allowed.containsKey(e.to()) ? "" : "; " + e.to() + " is not in the table")
                        + (allowed.containsKey(e.from()) ? "" : "; " + e.from() + " is not in the table"));
            }
        }
        return out;
    }

    /** Every package that holds a source file, as a name after {@code org.dpl4j.}. */
    static Set<String> packages(Map<String, String> sources) {
        return sources.keySet().stream().map(PackageGraphTest::packageOfFile).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every package-to-package dependency, each with the first place that names it. */
    static List<Edge> edges(Map<String, String> sources) {
        Map<String, Edge> found = new TreeMap<>();
        for (Map.Entry<String, String> src : sources.entrySet()) {
            String from = packageOfFile(src.getKey());
            String[] lines = JavaSource.codeOnly(src.getValue()).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = REFERENCE.matcher(lines[i]);
                while (m.find()) {
                    String dotted = m.group(1);
                    String to = dotted.substring(0, dotted.length() - 1);
                    if (!to.equals(from)) {
                        found.putIfAbsent(from + " " + to, new Edge(from, to, src.getKey() + ":" + (i + 1)));
                    }
                }
            }
        }
        return List.copyOf(found.values());
    }

    /** {@code org/dpl4j/model/io/ClipLoader.java} → {@code model.io}. */
    private static String packageOfFile(String path) {
        String dir = path.substring(0, path.lastIndexOf('/')).replace('/', '.');
        return dir.substring(ROOT.length() + 1);
    }

    /** The packages that reach each other (strongly connected groups of two or more). */
    static Set<Set<String>> cycles(List<Edge> edges) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Edge e : edges) {
            out.computeIfAbsent(e.from(), k -> new TreeSet<>()).add(e.to());
        }
        Map<String, Set<String>> reach = new TreeMap<>();
        for (String m : out.keySet()) {
            reach.put(m, reachable(m, out));
        }
        Set<Set<String>> groups = new LinkedHashSet<>();
        for (String m : out.keySet()) {
            Set<String> group = reach.get(m).stream()
                    .filter(n -> reach.getOrDefault(n, Set.of()).contains(m))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (group.size() > 1) {
                groups.add(group);
            }
        }
        return groups;
    }

    /** Every package reachable from {@code start} in one or more steps. */
    private static Set<String> reachable(String start, Map<String, Set<String>> out) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(out.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (seen.add(n)) {
                todo.addAll(out.getOrDefault(n, Set.of()));
            }
        }
        return seen;
    }

    private static String list(List<Edge> edges) {
        List<String> lines = new ArrayList<>();
        edges.forEach(e -> lines.add("  " + e));
        return String.join("\n", lines);
    }
}

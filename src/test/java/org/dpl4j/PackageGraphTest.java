package org.dpl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
import org.dpl4j.testutil.JavaSource;
import org.junit.jupiter.api.Test;

/**
 * The packages of {@code src/main/java} are layered (docs/design.md §3): no package reaches back up
 * to one that depends on it, and only the CLI uses the CLI. A package here is a module directly
 * under {@code org.dpl4j}, sub-packages included ({@code model.io} and {@code model.text} belong
 * to {@code model}). The scan reads every project class named in code (imports, static imports,
 * wildcard imports and qualified names; comments and strings do not count).
 */
class PackageGraphTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final String ROOT = "org.dpl4j";

    /** A project class named in code: its package's path after {@code org.dpl4j.}, then the class or {@code *}. */
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.dpl4j\\.((?:[a-z_]\\w*\\.)+)([A-Z]\\w*|\\*)");

    /** One module naming another, first seen at {@code where} ({@code file:line}). */
    record Edge(String from, String to, String where) {
        @Override
        public String toString() {
            return from + " -> " + to + "  (" + where + ")";
        }
    }

    @Test
    void packagesFormNoCycle() throws IOException {
        List<Edge> edges = edges(mainSources());
        assertThat(cycles(edges)).as("packages that depend on each other, in a graph with the edges\n" + list(edges)).isEmpty();
    }

    @Test
    void onlyTheCliImportsTheCli() throws IOException {
        List<Edge> edges = edges(mainSources());
        assertThat(edges).as("edges found:\n" + list(edges)).filteredOn(e -> e.to().equals("cli")).isEmpty();
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
        sources.put("org/dpl4j/b/io/B.java", "package org.dpl4j.b.io;\nimport static org.dpl4j.a.A.f;\n");
        sources.put("org/dpl4j/c/C.java", "package org.dpl4j.c;\nimport org.dpl4j.d.*;\n");
        sources.put("org/dpl4j/d/D.java", "package org.dpl4j.d;\nclass D { Object x = new org.dpl4j.e.E(); }\n");
        sources.put("org/dpl4j/e/E.java", "package org.dpl4j.e;\nclass E {\n\n java.util.List<org.dpl4j.c.C> l; }\n");

        List<Edge> edges = edges(sources);

        assertThat(edges).containsExactlyInAnyOrder(
                new Edge("a", "b", "org/dpl4j/a/A.java:2"),
                new Edge("b", "a", "org/dpl4j/b/io/B.java:2"),
                new Edge("c", "d", "org/dpl4j/c/C.java:2"),
                new Edge("d", "e", "org/dpl4j/d/D.java:2"),
                new Edge("e", "c", "org/dpl4j/e/E.java:4"));
        assertThat(cycles(edges)).containsExactlyInAnyOrder(Set.of("a", "b"), Set.of("c", "d", "e"));
        assertThat(cycles(edges.subList(0, 4))).containsExactly(Set.of("a", "b"));
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

    /** Every module-to-module dependency, each with the first place that names it. */
    static List<Edge> edges(Map<String, String> sources) {
        Map<String, Edge> found = new TreeMap<>();
        for (Map.Entry<String, String> src : sources.entrySet()) {
            String from = module(src.getKey().replace('/', '.'));
            String[] lines = JavaSource.codeOnly(src.getValue()).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = REFERENCE.matcher(lines[i]);
                while (m.find()) {
                    String to = module(ROOT + "." + m.group(1));
                    if (!to.equals(from)) {
                        found.putIfAbsent(from + " " + to, new Edge(from, to, src.getKey() + ":" + (i + 1)));
                    }
                }
            }
        }
        return List.copyOf(found.values());
    }

    /** The module of a dotted name under {@code org.dpl4j}: the segment right after it. */
    private static String module(String dotted) {
        return dotted.substring(ROOT.length() + 1).split("\\.")[0];
    }

    /** The modules that reach each other (strongly connected groups of two or more). */
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

    /** Every module reachable from {@code start} in one or more steps. */
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

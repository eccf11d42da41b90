package org.dpl4j.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dpl4j.testutil.JavaSource;
import org.junit.jupiter.api.Test;

/**
 * Every file the project writes goes through {@link AtomicFiles}, so a run killed at any moment
 * leaves each file whole (old or new), never torn. A source scan of {@code src/main/java}: any
 * direct way of writing a file outside AtomicFiles fails this test unless the allow-list below
 * names it with a reason.
 */
class AtomicWritesOnlyTest {
    private static final Path MAIN = Path.of("src/main/java");

    /** Calls that write a file directly (comments are removed before matching). */
    static final Pattern DIRECT_WRITE = Pattern.compile(String.join("|",
            "\\bFiles\\s*\\.\\s*(write|writeString|newOutputStream|newBufferedWriter|newByteChannel|copy|move|createFile"
                    + "|createTempFile)\\s*\\(",
            "\\bnew\\s+([\\w.]*\\.)?(FileOutputStream|FileWriter|RandomAccessFile|FileImageOutputStream)\\s*\\(",
            // PrintWriter/PrintStream on a file name or File (on System.err or a stream they write no file)
            "\\bnew\\s+([\\w.]*\\.)?(PrintWriter|PrintStream)\\s*\\(\\s*(new\\s+File\\b|\"|[\\w.]*\\.toFile\\(\\)|Path\\.of|Paths\\.get)",
            "\\b(FileChannel|AsynchronousFileChannel)\\s*\\.\\s*open\\s*\\(",
            "\\bImageIO\\s*\\.\\s*write\\s*\\(",
            // Jackson's ObjectMapper.writeValue(File | OutputStream, value); writeValueAsString is fine
            "\\.writeValue\\s*\\("));

    /** A direct write that is allowed, where and why. */
    record Allowed(String file, String code, String why) {}

    static final List<Allowed> ALLOWED = List.of(
            new Allowed("org/dpl4j/util/AtomicFiles.java", "",
                    "the atomic writer itself: a temporary file in the target's folder, forced to disk, renamed over the target"),
            new Allowed("org/dpl4j/util/ProcessStats.java", "Files.writeString(Path.of(\"/proc/self/clear_refs\"), \"5\")",
                    "a Linux kernel control file, not a file the project produces: writing 5 resets the peak-RSS counter,"
                            + " and /proc accepts no renamed file"),
            new Allowed("org/dpl4j/run/RunLock.java", "Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE)",
                    "renames a stale lock aside, writing nothing: the rename is the atomic takeover step (of two waiters"
                            + " only one finds the file); locks themselves are created by AtomicFiles.createExclusively"),
            new Allowed("org/dpl4j/tensor/io/Safetensors.java", "FileChannel.open(file, StandardOpenOption.READ)",
                    "opens a safetensors file read-only, to memory-map each tensor's bytes; writing goes through AtomicFiles"),
            new Allowed("org/dpl4j/report/Png.java", "ImageIO.write(img, \"png\", out)",
                    "encodes into an in-memory ByteArrayOutputStream for a data URI; the report page that embeds it is"
                            + " written by AtomicFiles"));

    /** A line of production code that writes a file directly. */
    record Hit(String file, int line, String code) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + code;
        }
    }

    @Test
    void productionCodeWritesFilesOnlyThroughAtomicFiles() throws IOException {
        List<Hit> hits = scanMain();
        List<Hit> violations = hits.stream().filter(h -> ALLOWED.stream().noneMatch(a -> allows(a, h))).toList();
        assertThat(violations).as("write these through org.dpl4j.util.AtomicFiles (or justify them in ALLOWED)").isEmpty();
    }

    @Test
    void everyAllowListEntryIsStillUsed() throws IOException {
        List<Hit> hits = scanMain();
        for (Allowed a : ALLOWED) {
            assertThat(hits).as("allow-list entry no longer needed: " + a).anyMatch(h -> allows(a, h));
        }
    }

    @Test
    void theScanFindsDirectWritesInCodeButNotInCommentsOrStrings() {
        List<String> writes = List.of(
                "Files.writeString(p, s);",
                "Files.write(p, bytes);",
                "java.nio.file.Files.newOutputStream(p)",
                "Files . newBufferedWriter(p)",
                "Files.copy(in, target);",
                "Files.move(a, b);",
                "new FileOutputStream(f)",
                "new java.io.FileWriter(name)",
                "new RandomAccessFile(f, \"rw\")",
                "new PrintWriter(\"out.txt\")",
                "new java.io.PrintStream(new File(name))",
                "new PrintStream(path.toFile())",
                "FileChannel.open(p, WRITE)",
                "ImageIO.write(img, \"png\", file)",
                "MAPPER.writeValue(file, value);");
        for (String w : writes) {
            assertThat(scan("class X { void f() { " + w + " } }")).as(w).hasSize(1);
        }
        List<String> notWrites = List.of(
                "// Files.writeString(p, s);",
                "/* new FileOutputStream(f) */",
                "/** {@link Files#write} and Files.write(p, b) in a comment */",
                "String s = \"Files.writeString(p, s)\";",
                "String t = \"\"\"\n Files.write(p, b)\n \"\"\";",
                "Files.readString(p);",
                "Files.newInputStream(p);",
                "Files.createDirectories(p);",
                "MAPPER.writeValueAsString(v);",
                "new PrintWriter(System.err, true)",
                "AtomicFiles.writeString(p, s);");
        for (String n : notWrites) {
            assertThat(scan("class X { void f() { " + n + " } }")).as(n).isEmpty();
        }
        // line numbers survive the removal of multi-line comments
        assertThat(scan("/*\n\n*/\nclass X {\n Files.write(p, b);\n}")).extracting(Hit::line).containsExactly(5);
    }

    private static boolean allows(Allowed a, Hit h) {
        return h.file().equals(a.file()) && h.code().contains(a.code());
    }

    private static List<Hit> scanMain() throws IOException {
        List<Hit> hits = new ArrayList<>();
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String name = MAIN.relativize(f).toString().replace('\\', '/');
                for (Hit h : scan(Files.readString(f))) {
                    hits.add(new Hit(name, h.line(), h.code()));
                }
            }
        }
        assertThat(hits).as("the scan found nothing at all: is " + MAIN.toAbsolutePath() + " the sources?").isNotEmpty();
        return hits;
    }

    /** Lines of one source whose code (comments removed, string contents blanked) writes a file directly. */
    static List<Hit> scan(String source) {
        String[] code = JavaSource.codeOnly(source).split("\n", -1);
        String[] original = source.split("\n", -1);
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < code.length; i++) {
            if (DIRECT_WRITE.matcher(code[i]).find()) {
                hits.add(new Hit("", i + 1, original[i].strip()));
            }
        }
        return hits;
    }
}

package org.dpl4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds one self-contained HTML page: inline CSS, images as data URIs, a table of contents from
 * the sections. Every piece of text passes through {@link #esc}; only {@link Raw} fragments (built
 * by this package from escaped parts) go in verbatim, so a run name or class name containing
 * {@code <} or {@code &} cannot break or script the page.
 */
final class HtmlPage {
    /** An HTML fragment that is inserted as is (already escaped by whoever built it). */
    record Raw(String html) {}

    private static final String CSS = """
            body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1220px;\
            color:#1d2329;font-size:14px;line-height:1.45;padding:0 16px}
            h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:2px solid #d0d7de;\
            padding-bottom:4px;margin-top:36px}h3{font-size:16px;margin:22px 0 8px}h4{font-size:14px;margin:14px 0 6px}
            table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid #d0d7de;padding:3px 9px;\
            text-align:left;vertical-align:top}th{background:#f3f5f7}td.num,th.num{text-align:right;\
            font-variant-numeric:tabular-nums;white-space:nowrap}tr:nth-child(even) td{background:#fafbfc}
            .muted{color:#5b6670}.n{color:#5b6670;font-size:11px}.warn{background:#fff4e5;border-left:4px solid #e8890c;\
            padding:6px 10px;margin:8px 0}.card{display:inline-block;vertical-align:top;margin:0 14px 10px 0}
            img{border:1px solid #e3e7eb;background:#fff}code{background:#f3f5f7;padding:0 3px;font-size:13px}
            nav ul{columns:2;margin:4px 0}details{margin:6px 0}summary{cursor:pointer;color:#0b5cad}
            .defs{font-size:13px;color:#3b4650;max-width:900px}
            """;

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<String[]> toc = new ArrayList<>();

    HtmlPage(String title) {
        this.title = title;
    }

    /** Escapes text for element content and double-quoted attributes. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A cell: {@link Raw} as is, anything else as escaped text ({@code null} → empty). */
    static String cell(Object o) {
        return o instanceof Raw r ? r.html() : esc(o == null ? "" : o.toString());
    }

    /** A top-level section with an anchor, listed in the table of contents. */
    HtmlPage section(String id, String heading) {
        toc.add(new String[] {id, heading});
        body.append("<h2 id=\"").append(esc(id)).append("\">").append(esc(heading)).append("</h2>\n");
        return this;
    }

    HtmlPage h3(String text) {
        body.append("<h3>").append(esc(text)).append("</h3>\n");
        return this;
    }

    HtmlPage h4(String text) {
        body.append("<h4>").append(esc(text)).append("</h4>\n");
        return this;
    }

    HtmlPage p(String text) {
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    HtmlPage muted(String text) {
        body.append("<p class=\"muted\">").append(esc(text)).append("</p>\n");
        return this;
    }

    HtmlPage warn(String text) {
        body.append("<div class=\"warn\">").append(esc(text)).append("</div>\n");
        return this;
    }

    HtmlPage raw(Raw html) {
        body.append(html.html()).append('\n');
        return this;
    }

    /** A table; {@code numeric} marks right-aligned columns by index. */
    static Raw table(List<String> header, List<? extends List<?>> rows, int... numeric) {
        StringBuilder b = new StringBuilder("<table>\n<tr>");
        for (int i = 0; i < header.size(); i++) {
            b.append(isNumeric(i, numeric) ? "<th class=\"num\">" : "<th>").append(esc(header.get(i))).append("</th>");
        }
        b.append("</tr>\n");
        for (List<?> row : rows) {
            b.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                b.append(isNumeric(i, numeric) ? "<td class=\"num\">" : "<td>").append(cell(row.get(i))).append("</td>");
            }
            b.append("</tr>\n");
        }
        return new Raw(b.append("</table>").toString());
    }

    private static boolean isNumeric(int col, int[] numeric) {
        for (int c : numeric) {
            if (c == col) {
                return true;
            }
        }
        return false;
    }

    /** A two-column key/value table. */
    static Raw keyValues(Map<String, String> kv) {
        List<List<String>> rows = new ArrayList<>();
        kv.forEach((k, v) -> rows.add(List.of(k, v)));
        return table(List.of("field", "value"), rows);
    }

    /** An embedded PNG shown at its natural size. */
    static Raw image(Png png, String alt) {
        return new Raw("<img src=\"" + png.dataUri() + "\" width=\"" + png.width() + "\" height=\"" + png.height()
                + "\" alt=\"" + esc(alt) + "\">");
    }

    /** Fragments side by side (wrapping when the page is narrow). */
    static Raw cards(List<Raw> parts) {
        StringBuilder b = new StringBuilder();
        for (Raw r : parts) {
            b.append("<div class=\"card\">").append(r.html()).append("</div>");
        }
        return new Raw(b.toString());
    }

    /** A collapsed block (for long tables such as per-class accuracy). */
    static Raw details(String summary, Raw inner) {
        return new Raw("<details><summary>" + esc(summary) + "</summary>\n" + inner.html() + "\n</details>");
    }

    String render() {
        StringBuilder b = new StringBuilder(body.length() + 4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<h1>").append(esc(title))
                .append("</h1>\n");
        int cut = body.indexOf("<h2");
        String intro = cut < 0 ? body.toString() : body.substring(0, cut);
        b.append(intro);
        if (!toc.isEmpty()) {
            b.append("<nav><h3>Contents</h3><ul>\n");
            for (String[] t : toc) {
                b.append("<li><a href=\"#").append(esc(t[0])).append("\">").append(esc(t[1])).append("</a></li>\n");
            }
            b.append("</ul></nav>\n");
        }
        if (cut >= 0) {
            b.append(body, cut, body.length());
        }
        return b.append("</body>\n</html>\n").toString();
    }
}

package org.dpl4j.model.text;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape}, which CLIP applies twice to every text, reproduced rule for rule
 * (numeric references with the HTML5 fix-ups for invalid code points, legacy names without a
 * semicolon, longest-prefix matching) but with a smaller name table: the 252 HTML 4 entities plus
 * {@code &apos;} and the upper-case aliases {@code AMP LT GT QUOT COPY REG}, instead of all 2,231 HTML5
 * names. That table already holds every name HTML5 accepts without a semicolon, so only rare
 * HTML5-only names such as {@code &checkmark;} stay undecoded.
 */
final class HtmlUnescape {
    /** Entity name to code point (hex); values are HTML5's, which differ from HTML 4 for lang/rang. */
    private static final String TABLE = ""
            + "Aacute=c1 aacute=e1 Acirc=c2 acirc=e2 acute=b4 AElig=c6 aelig=e6 Agrave=c0 agrave=e0 "
            + "alefsym=2135 Alpha=391 alpha=3b1 AMP=26 amp=26 and=2227 ang=2220 apos=27 Aring=c5 "
            + "aring=e5 asymp=2248 Atilde=c3 atilde=e3 Auml=c4 auml=e4 bdquo=201e Beta=392 beta=3b2 "
            + "brvbar=a6 bull=2022 cap=2229 Ccedil=c7 ccedil=e7 cedil=b8 cent=a2 Chi=3a7 chi=3c7 "
            + "circ=2c6 clubs=2663 cong=2245 COPY=a9 copy=a9 crarr=21b5 cup=222a curren=a4 Dagger=2021 "
            + "dagger=2020 dArr=21d3 darr=2193 deg=b0 Delta=394 delta=3b4 diams=2666 divide=f7 "
            + "Eacute=c9 eacute=e9 Ecirc=ca ecirc=ea Egrave=c8 egrave=e8 empty=2205 emsp=2003 "
            + "ensp=2002 Epsilon=395 epsilon=3b5 equiv=2261 Eta=397 eta=3b7 ETH=d0 eth=f0 Euml=cb "
            + "euml=eb euro=20ac exist=2203 fnof=192 forall=2200 frac12=bd frac14=bc frac34=be "
            + "frasl=2044 Gamma=393 gamma=3b3 ge=2265 GT=3e gt=3e hArr=21d4 harr=2194 hearts=2665 "
            + "hellip=2026 Iacute=cd iacute=ed Icirc=ce icirc=ee iexcl=a1 Igrave=cc igrave=ec "
            + "image=2111 infin=221e int=222b Iota=399 iota=3b9 iquest=bf isin=2208 Iuml=cf iuml=ef "
            + "Kappa=39a kappa=3ba Lambda=39b lambda=3bb lang=27e8 laquo=ab lArr=21d0 larr=2190 "
            + "lceil=2308 ldquo=201c le=2264 lfloor=230a lowast=2217 loz=25ca lrm=200e lsaquo=2039 "
            + "lsquo=2018 LT=3c lt=3c macr=af mdash=2014 micro=b5 middot=b7 minus=2212 Mu=39c mu=3bc "
            + "nabla=2207 nbsp=a0 ndash=2013 ne=2260 ni=220b not=ac notin=2209 nsub=2284 Ntilde=d1 "
            + "ntilde=f1 Nu=39d nu=3bd Oacute=d3 oacute=f3 Ocirc=d4 ocirc=f4 OElig=152 oelig=153 "
            + "Ograve=d2 ograve=f2 oline=203e Omega=3a9 omega=3c9 Omicron=39f omicron=3bf oplus=2295 "
            + "or=2228 ordf=aa ordm=ba Oslash=d8 oslash=f8 Otilde=d5 otilde=f5 otimes=2297 Ouml=d6 "
            + "ouml=f6 para=b6 part=2202 permil=2030 perp=22a5 Phi=3a6 phi=3c6 Pi=3a0 pi=3c0 piv=3d6 "
            + "plusmn=b1 pound=a3 Prime=2033 prime=2032 prod=220f prop=221d Psi=3a8 psi=3c8 QUOT=22 "
            + "quot=22 radic=221a rang=27e9 raquo=bb rArr=21d2 rarr=2192 rceil=2309 rdquo=201d "
            + "real=211c REG=ae reg=ae rfloor=230b Rho=3a1 rho=3c1 rlm=200f rsaquo=203a rsquo=2019 "
            + "sbquo=201a Scaron=160 scaron=161 sdot=22c5 sect=a7 shy=ad Sigma=3a3 sigma=3c3 "
            + "sigmaf=3c2 sim=223c spades=2660 sub=2282 sube=2286 sum=2211 sup=2283 sup1=b9 sup2=b2 "
            + "sup3=b3 supe=2287 szlig=df Tau=3a4 tau=3c4 there4=2234 Theta=398 theta=3b8 thetasym=3d1 "
            + "thinsp=2009 THORN=de thorn=fe tilde=2dc times=d7 trade=2122 Uacute=da uacute=fa "
            + "uArr=21d1 uarr=2191 Ucirc=db ucirc=fb Ugrave=d9 ugrave=f9 uml=a8 upsih=3d2 Upsilon=3a5 "
            + "upsilon=3c5 Uuml=dc uuml=fc weierp=2118 Xi=39e xi=3be Yacute=dd yacute=fd yen=a5 "
            + "Yuml=178 yuml=ff Zeta=396 zeta=3b6 zwj=200d zwnj=200c "
            ;

    /** Windows-1252 meaning of the C1 code points U+0080..U+009F; undefined ones map to themselves. */
    static final String CP1252_C1 = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f"
            + "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

    /** Name (with {@code ;}) to text, as in {@code html.entities.html5}; legacy names also without {@code ;}. */
    private static final Map<String, String> NAMED;
    /** The same names, without {@code ;}, to their single-character values: the table ftfy builds on. */
    static final Map<String, String> NAMES;

    private static final Pattern CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

    static {
        Map<String, String> named = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (String entry : TABLE.trim().split(" ")) {
            int eq = entry.indexOf('=');
            String name = entry.substring(0, eq);
            String value = Character.toString(Integer.parseInt(entry.substring(eq + 1), 16));
            names.put(name, value);
            named.put(name + ";", value);
            int cp = value.codePointAt(0);
            // HTML5 keeps the semicolon optional only for the Latin-1 names and & < > "
            if ((cp >= 0xA0 && cp <= 0xFF) || "&<>\"".indexOf(cp) >= 0) {
                named.put(name, value);
            }
        }
        NAMED = Collections.unmodifiableMap(named);
        NAMES = Collections.unmodifiableMap(names);
    }

    private HtmlUnescape() {}

    /** {@code html.unescape(s)}. */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = CHARREF.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(replace(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String replace(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
            String digits = ref.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) {
                digits = digits.substring(0, digits.length() - 1);
            }
            return numeric(parseCodePoint(digits, hex ? 16 : 10));
        }
        String value = NAMED.get(ref);
        if (value != null) {
            return value;
        }
        for (int x = ref.length() - 1; x > 1; x--) {
            value = NAMED.get(ref.substring(0, x));
            if (value != null) {
                return value + ref.substring(x);
            }
        }
        return "&" + ref;
    }

    /** The value of a run of digits, or {@code Long.MAX_VALUE} when it is beyond any code point. */
    private static long parseCodePoint(String digits, int radix) {
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        return trimmed.length() > 8 ? Long.MAX_VALUE : Long.parseLong(trimmed, radix);
    }

    /** HTML5's treatment of a numeric reference, as Python implements it. */
    private static String numeric(long cp) {
        if (cp == 0) {
            return "\ufffd";
        }
        if (cp == 0x0D) {
            return "\r";
        }
        if (cp >= 0x80 && cp <= 0x9F) {
            return String.valueOf(CP1252_C1.charAt((int) cp - 0x80));
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            return "\ufffd";
        }
        if (isInvalidCodePoint((int) cp)) {
            return "";
        }
        return Character.toString((int) cp);
    }

    private static boolean isInvalidCodePoint(int cp) {
        return (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    }
}

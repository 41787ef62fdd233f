package dev.qwenomni.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English text normalisation for speech: typographic quotes and dashes to plain ones, common
 * abbreviations expanded, numbers (cardinals, ordinals, years, decimals, money, percent) spelled
 * out. {@link #words} gives the lower-case word sequence
 * used to score recognisers.
 */
public final class TextNormalizer {
    private static final Map<String, String> ABBREVIATIONS = new LinkedHashMap<>();
    static {
        String[][] a = {{"Mr.", "Mister"}, {"Mrs.", "Missus"}, {"Ms.", "Miz"}, {"Dr.", "Doctor"}, {"St.", "Saint"},
                {"Jr.", "Junior"}, {"Sr.", "Senior"}, {"Prof.", "Professor"}, {"Gen.", "General"}, {"Capt.", "Captain"},
                {"Lt.", "Lieutenant"}, {"Col.", "Colonel"}, {"Sgt.", "Sergeant"}, {"Mt.", "Mount"}, {"vs.", "versus"},
                {"etc.", "et cetera"}, {"e.g.", "for example"}, {"i.e.", "that is"}, {"approx.", "approximately"}};
        for (String[] p : a) ABBREVIATIONS.put(p[0], p[1]);
    }
    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    private static final Pattern MONEY = Pattern.compile("\\$(\\d[\\d,]*)(?:\\.(\\d\\d))?");
    private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s?%");
    private static final Pattern ORDINAL = Pattern.compile("\\b(\\d+)(st|nd|rd|th)\\b");
    private static final Pattern DECIMAL = Pattern.compile("\\b(\\d+)\\.(\\d+)\\b");
    private static final Pattern NUMBER = Pattern.compile("\\b\\d[\\d,]*\\b");

    private TextNormalizer() {}

    public static String normalize(String s) {
        s = s.replace('\u2018', '\'').replace('\u2019', '\'').replace('\u201C', '"').replace('\u201D', '"')
                .replace("\u2014", ", ").replace("\u2013", ", ").replace("--", ", ").replace('`', '\'')
                .replace("&", " and ").replace('\t', ' ');
        s = expandAbbreviations(s);
        s = replaceAll(MONEY, s, m -> cardinal(parse(m.group(1))) + " dollars"
                + (m.group(2) != null && !m.group(2).equals("00") ? " and " + cardinal(Long.parseLong(m.group(2))) + " cents" : ""));
        s = replaceAll(PERCENT, s, m -> spellDecimal(m.group(1)) + " percent");
        s = replaceAll(ORDINAL, s, m -> ordinal(parse(m.group(1))));
        s = replaceAll(DECIMAL, s, m -> spellDecimal(m.group()));
        s = replaceAll(NUMBER, s, m -> {
            long v = parse(m.group());
            return m.group().length() == 4 && v >= 1100 && v <= 2099 && v % 100 != 0 && !m.group().contains(",") ? year(v) : cardinal(v);
        });
        s = s.replace("\"", "").replace("(", ", ").replace(")", ", ").replace("[", "").replace("]", "");
        s = s.replaceAll("\\s+([,.;:?!])", "$1").replaceAll(",\\s*,", ",").replaceAll("\\s+", " ").trim();
        if (s.startsWith(",")) s = s.substring(1).trim();
        return s;
    }

    /** Mr., Dr., St., e.g. and the rest written out, so their full stops end no sentence. */
    public static String expandAbbreviations(String s) {
        for (var e : ABBREVIATIONS.entrySet()) s = s.replace(e.getKey(), e.getValue());
        return s;
    }

    /** Lower-case words, punctuation removed (apostrophes kept inside words): the unit of WER. */
    public static String[] words(String text) {
        String s = normalize(text).toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]+", " ").replaceAll("(^| )'+|'+( |$)", " ").trim();
        return s.isEmpty() ? new String[0] : s.split(" +");
    }

    /** Every match of p in s replaced by f's text for it, taken literally (the data package's one regex rewrite). */
    static String replaceAll(Pattern p, String s, Function<MatchResult, String> f) {
        return p.matcher(s).replaceAll(m -> Matcher.quoteReplacement(f.apply(m)));
    }

    private static long parse(String digits) {
        String d = digits.replace(",", "");
        return d.length() > 15 ? Long.MAX_VALUE : Long.parseLong(d);
    }

    private static String spellDecimal(String s) {
        int dot = s.indexOf('.');
        if (dot < 0) return cardinal(parse(s));
        StringBuilder sb = new StringBuilder(cardinal(parse(s.substring(0, dot)))).append(" point");
        for (char c : s.substring(dot + 1).toCharArray()) sb.append(' ').append(ONES[c - '0']);
        return sb.toString();
    }

    public static String cardinal(long n) {
        if (n == Long.MAX_VALUE) return "a very large number";
        if (n < 20) return ONES[(int) n];
        if (n < 100) return TENS[(int) (n / 10)] + (n % 10 != 0 ? " " + ONES[(int) (n % 10)] : "");
        if (n < 1000) return ONES[(int) (n / 100)] + " hundred" + (n % 100 != 0 ? " " + cardinal(n % 100) : "");
        String[] scale = {"thousand", "million", "billion", "trillion"};
        long unit = 1000;
        for (int i = 0; i < scale.length; i++, unit *= 1000)
            if (n < unit * 1000)
                return cardinal(n / unit) + " " + scale[i] + (n % unit != 0 ? " " + cardinal(n % unit) : "");
        return "a very large number";
    }

    static String year(long y) {
        long hi = y / 100, lo = y % 100;
        return cardinal(hi) + (lo < 10 ? " oh " + ONES[(int) lo] : " " + cardinal(lo));
    }

    public static String ordinal(long n) {
        String c = cardinal(n);
        int sp = c.lastIndexOf(' ');
        String head = sp < 0 ? "" : c.substring(0, sp + 1), last = c.substring(sp + 1);
        String o = switch (last) {
            case "one" -> "first"; case "two" -> "second"; case "three" -> "third"; case "five" -> "fifth";
            case "eight" -> "eighth"; case "nine" -> "ninth"; case "twelve" -> "twelfth";
            default -> last.endsWith("y") ? last.substring(0, last.length() - 1) + "ieth" : last + "th";
        };
        return head + o;
    }
}

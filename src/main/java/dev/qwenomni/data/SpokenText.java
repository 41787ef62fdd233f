package dev.qwenomni.data;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Real text as a person would read it aloud, cut into chunks a TTS model was trained on. In order:
 * control characters and terminal escapes removed; URLs, e-mail addresses, dates, times, units and
 * symbols written out (what {@link TextNormalizer} does later, numbers and money, stays there);
 * abbreviations and initials expanded so their full stops end no sentence; sentences split; a
 * sentence longer than the limit cut at its clauses (then at words); characters no voice can say
 * (emoji, other scripts) dropped and reported. Text with nothing speakable left is an error.
 */
public final class SpokenText {
    /** A piece to synthesise, and the pause after it: a sentence end or a clause cut. */
    public record Chunk(String text, double pauseSeconds) {}

    /** The chunks, and the characters dropped as unspeakable (each once, in order of appearance). */
    public record Reading(List<Chunk> chunks, List<String> dropped) {
        public List<String> texts() { return chunks.stream().map(Chunk::text).toList(); }
    }

    public static final double SENTENCE_PAUSE = 0.2, CLAUSE_PAUSE = 0.1;
    /** The longest chunk, in words: the training sentences have at most 25, most far fewer. */
    public static final int DEFAULT_MAX_WORDS = 20;

    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"};
    private static final Pattern ANSI = Pattern.compile("\u001B(\\[[0-9;?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?|[@-Z\\\\-_])");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\n\t]]"), FORMAT = Pattern.compile("\\p{Cf}");
    private static final Pattern URL = Pattern.compile("\\b(?:https?://|www\\.)[^\\s<>\"]+[^\\s<>\".,;:!?)]");
    private static final Pattern EMAIL = Pattern.compile("\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+\\b");
    private static final Pattern US_DATE = Pattern.compile("\\b(\\d{1,2})/(\\d{1,2})/(\\d{4})\\b");
    private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4})-(\\d{2})-(\\d{2})\\b");
    private static final Pattern TIME_AMPM = Pattern.compile("\\b(\\d{1,2})(?::(\\d{2}))?\\s*([AaPp])\\.?\\s?[Mm]\\b\\.?");
    private static final Pattern TIME_24 = Pattern.compile("\\b(\\d{1,2}):(\\d{2})\\b");
    private static final Pattern UNIT = Pattern.compile("\\b(\\d+(?:\\.\\d+)?)\\s?(km/h|mph|kph|km|kg|cm|mm|mg|ml|lbs|lb|ft|mi|kWh|kW|MB|GB|Hz|kHz|°C|°F|m|g|l|s|h)(?![\\w°])");
    private static final Pattern SAINT = Pattern.compile("\\bSt\\.(?=\\s+[A-Z])"), STREET = Pattern.compile("\\bSt\\.");
    private static final Pattern INITIALS = Pattern.compile("\\b((?:[A-Z]\\.){2,})");
    private static final Pattern INITIAL = Pattern.compile("\\b([A-Z])\\.(?=\\s+[A-Z])");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.?!]|[.?!][\"')\\]])\\s+(?=[A-Z0-9\"'(\\[])");
    private static final Pattern CLAUSE_END = Pattern.compile("(?<=[,;:])\\s+");
    private static final Set<String> UNIT_WORDS_PLURAL_S = Set.of("kilometer", "kilogram", "centimeter", "millimeter", "milligram",
            "milliliter", "mile", "meter", "gram", "liter", "second", "hour", "kilowatt hour", "kilowatt", "megabyte", "gigabyte", "foot", "pound");

    private SpokenText() {}

    public static Reading read(String raw) { return read(raw, DEFAULT_MAX_WORDS); }

    public static Reading read(String raw, int maxWords) {
        String s = clean(raw);
        s = writeOut(s);
        Set<String> dropped = new LinkedHashSet<>();
        s = keepSpeakable(s, dropped);
        List<Chunk> chunks = new ArrayList<>();
        for (String sentence : SENTENCE_END.split(s.strip())) {
            String t = sentence.strip().replaceAll("\\s+", " ").replaceAll(" ([,.;:?!])", "$1").replaceAll("^[,.;:]\\s*", "");
            if (!hasWord(t)) continue;
            List<String> parts = cut(t, maxWords);
            for (int i = 0; i < parts.size(); i++)
                chunks.add(new Chunk(parts.get(i), i + 1 < parts.size() ? CLAUSE_PAUSE : SENTENCE_PAUSE));
        }
        if (chunks.isEmpty())
            throw new IllegalArgumentException("nothing speakable in the text" + (dropped.isEmpty() ? "" : " (dropped: " + String.join(" ", dropped) + ")"));
        return new Reading(chunks, List.copyOf(dropped));
    }

    /** Terminal escapes and control characters out; compatibility forms (full-width, ligatures) folded. */
    static String clean(String raw) {
        String s = ANSI.matcher(raw).replaceAll("");
        s = CONTROL.matcher(s).replaceAll(" ");
        s = FORMAT.matcher(s).replaceAll(""); // zero-width spaces and joiners, byte-order marks: invisible, and inside words
        return Normalizer.normalize(s, Normalizer.Form.NFKC).replace('\t', ' ');
    }

    /** URLs, e-mail, dates, times, units, abbreviations, initials and symbols as words. */
    static String writeOut(String s) {
        s = TextNormalizer.replaceAll(URL, s, m -> spell(m.group().replaceFirst("^https?://", "").replaceFirst("/$", "")));
        s = TextNormalizer.replaceAll(EMAIL, s, m -> spell(m.group()));
        s = TextNormalizer.replaceAll(US_DATE, s, m -> date(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group()));
        s = TextNormalizer.replaceAll(ISO_DATE, s, m -> date(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group()));
        String beforeTimes = s;
        s = TextNormalizer.replaceAll(TIME_AMPM, s, m -> {
            int h = Integer.parseInt(m.group(1));
            String min = m.group(2);
            if (h < 1 || h > 12 || (min != null && Integer.parseInt(min) > 59)) return m.group();
            // "5 p.m." ends its sentence only where a sentence could end: at the end, or before a capital
            String after = beforeTimes.substring(m.end()).stripLeading();
            boolean ends = m.group().endsWith(".") && (after.isEmpty() || Character.isUpperCase(after.charAt(0)));
            return clock(h, min == null ? 0 : Integer.parseInt(min), false) + (m.group(3).equalsIgnoreCase("a") ? " a m" : " p m")
                    + (ends ? "." : "");
        });
        s = TextNormalizer.replaceAll(TIME_24, s, m -> {
            int h = Integer.parseInt(m.group(1)), min = Integer.parseInt(m.group(2));
            return h > 23 || min > 59 ? m.group() : clock(h, min, true);
        });
        s = TextNormalizer.replaceAll(UNIT, s, m -> m.group(1) + " " + unit(m.group(2), m.group(1).equals("1")));
        s = TextNormalizer.replaceAll(INITIALS, s, m -> m.group(1).replace(".", " ").strip()); // U.S. -> U S
        s = SAINT.matcher(s).replaceAll("Saint");                              // St. Paul
        s = STREET.matcher(s).replaceAll("Street");                            // Baker St. in London
        s = TextNormalizer.expandAbbreviations(s);
        s = TextNormalizer.replaceAll(INITIAL, s, m -> m.group(1));                                   // J. Smith -> J Smith
        s = s.replace("&", " and ").replace("@", " at ").replace("+", " plus ").replace("=", " equals ")
                .replace("°", " degrees ").replace("#", " number ").replace("/", " slash ").replace("*", " ").replace("_", " ")
                .replace("~", " about ").replace("|", ", ").replace("<", " less than ").replace(">", " greater than ");
        return s;
    }

    /** Letters with their accents taken off; digits, whitespace and reading punctuation kept; the rest dropped. */
    static String keepSpeakable(String s, Set<String> dropped) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 128) {
                if (Character.isLetterOrDigit(cp) || Character.isWhitespace(cp) || ".,;:!?'\"()-%$".indexOf(cp) >= 0) out.appendCodePoint(cp);
                else out.append(' ');
                return;
            }
            String bare = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFD).replaceAll("\\p{M}", "");
            if (!bare.isEmpty() && bare.chars().allMatch(c -> c < 128 && Character.isLetter(c))) out.append(bare);
            else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) out.append(' ');
            else {
                dropped.add(new String(Character.toChars(cp)));
                out.append(' ');
            }
        });
        return out.toString();
    }

    /** A sentence cut at clause marks, then at words, into pieces of at most maxWords. */
    static List<String> cut(String sentence, int maxWords) {
        List<String> out = new ArrayList<>();
        if (words(sentence) <= maxWords) { out.add(sentence); return out; }
        StringBuilder cur = new StringBuilder();
        for (String clause : CLAUSE_END.split(sentence)) {
            if (cur.length() > 0 && words(cur + " " + clause) > maxWords) {
                out.add(end(cur.toString()));
                cur.setLength(0);
            }
            if (words(clause) > maxWords) {
                String[] w = clause.split(" ");
                for (int i = 0; i < w.length; i += maxWords) {
                    String piece = String.join(" ", java.util.Arrays.copyOfRange(w, i, Math.min(w.length, i + maxWords)));
                    if (i + maxWords < w.length) out.add(end(piece));
                    else cur.append(piece);
                }
            } else {
                if (cur.length() > 0) cur.append(' ');
                cur.append(clause);
            }
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /** A cut-off piece ends as a sentence would: its trailing comma or semicolon becomes a full stop. */
    private static String end(String piece) {
        String t = piece.strip();
        if (t.endsWith(",") || t.endsWith(";") || t.endsWith(":")) t = t.substring(0, t.length() - 1);
        return t.endsWith(".") || t.endsWith("?") || t.endsWith("!") ? t : t + ".";
    }

    private static int words(String s) { return s.isBlank() ? 0 : s.strip().split("\\s+").length; }

    private static boolean hasWord(String s) { return s.codePoints().anyMatch(Character::isLetterOrDigit); }

    /** A URL or e-mail address read out: its dots, at-signs and slashes as words, digits one by one. */
    static String spell(String s) {
        StringBuilder out = new StringBuilder();
        for (String part : s.split("(?<=[./@:?=&_-])|(?=[./@:?=&_-])")) {
            out.append(' ').append(switch (part) {
                case "." -> "dot"; case "/" -> "slash"; case "@" -> "at"; case ":" -> "colon"; case "?" -> "question mark";
                case "=" -> "equals"; case "&" -> "and"; case "_" -> "underscore"; case "-" -> "dash";
                default -> part.replaceAll("(\\d)", " $1 ");
            });
        }
        return out.toString().replaceAll("\\s+", " ").strip();
    }

    /** A date as spoken in American English: "December fifth, twenty twenty-four". Not a valid date: left alone. */
    static String date(int year, int month, int day, String original) {
        if (month < 1 || month > 12 || day < 1 || day > 31) return original;
        return MONTHS[month - 1] + " " + TextNormalizer.ordinal(day) + ", " + TextNormalizer.year(year);
    }

    /** 5:30 -> "five thirty", 5:05 -> "five oh five", 5:00 -> "five" ("five o'clock" in 24-hour form), 0:15 -> "zero fifteen". */
    static String clock(int h, int m, boolean twentyFour) {
        String hour = TextNormalizer.cardinal(h);
        if (m == 0) return twentyFour ? (h == 0 ? "midnight" : hour + " o'clock") : hour;
        return hour + (m < 10 ? " oh " + TextNormalizer.cardinal(m) : " " + TextNormalizer.cardinal(m));
    }

    static String unit(String abbr, boolean one) {
        String w = switch (abbr) {
            case "km/h", "kph" -> "kilometers per hour"; case "mph" -> "miles per hour";
            case "km" -> "kilometer"; case "kg" -> "kilogram"; case "cm" -> "centimeter"; case "mm" -> "millimeter";
            case "mg" -> "milligram"; case "ml" -> "milliliter"; case "lb", "lbs" -> "pound"; case "ft" -> "foot"; case "mi" -> "mile";
            case "kWh" -> "kilowatt hour"; case "kW" -> "kilowatt"; case "MB" -> "megabyte"; case "GB" -> "gigabyte";
            case "Hz" -> "hertz"; case "kHz" -> "kilohertz"; case "°C" -> "degrees Celsius"; case "°F" -> "degrees Fahrenheit";
            case "m" -> "meter"; case "g" -> "gram"; case "l" -> "liter"; case "s" -> "second"; case "h" -> "hour";
            default -> abbr;
        };
        if (one || !UNIT_WORDS_PLURAL_S.contains(w)) return w;
        return w.equals("foot") ? "feet" : w + "s";
    }


}

package dev.qwenomni.speech;

import java.util.List;

/** The known teachers, and voice ids of the form teacher:voice. */
public final class Teachers {
    private Teachers() {}

    public static final List<Teacher> ALL = List.of(new FliteTeacher(), new FestivalTeacher(), new RhVoiceTeacher());

    /** The default speakers: the better voices of Debian main, as measured in issue 3. */
    public static final List<String> DEFAULT_VOICES = List.of("flite:rms", "flite:awb", "flite:slt", "festival:slt_hts");

    public record Voice(Teacher teacher, String voice) {
        public String id() { return teacher.name() + ":" + voice; }
    }

    public static Voice voice(String id) {
        int c = id.indexOf(':');
        if (c < 0) throw new IllegalArgumentException("voice '" + id + "' must be teacher:voice, e.g. flite:rms");
        String t = id.substring(0, c), v = id.substring(c + 1);
        for (Teacher teacher : ALL)
            if (teacher.name().equals(t)) {
                if (!teacher.voices().contains(v))
                    throw new IllegalArgumentException("teacher " + t + " has no voice '" + v + "' (" + teacher.voices() + ")");
                return new Voice(teacher, v);
            }
        throw new IllegalArgumentException("unknown teacher '" + t + "' in voice " + id + " (flite or festival)");
    }
}

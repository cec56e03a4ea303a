package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.RedactedCause;
import io.azlhsm.copytool.lustre.Errno;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.lustre.HeldFile;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The note an agent leaves on a file whose HSM action it failed: {@value #XATTR}, with the action, the errno, why,
 * when and on which host. A job that finds the file not archived (or still released) after its request ended reads
 * it and names the agent's cause in its own log line, so the operator needs no data mover's journal.
 *
 * <p>Why a note on the file: Lustre keeps no reason. {@code llapi_hsm_action_end} carries a positive errno only
 * (lustre/utils/liblustreapi_hsm.c:1250 {@code int errval}; {@code struct hsm_progress} hp_errval,
 * include/uapi/linux/lustre/lustre_user.h:2749-2756), the coordinator's action log record keeps a status and no errno
 * ({@code struct llog_agent_req_rec}, include/uapi/linux/lustre/lustre_idl.h:3132-3147; {@code hsm.actions} prints
 * {@code status=%s}, lustre/mdt/mdt_hsm_cdt_actions.c:330-334), and the changelog's HSM record has 7 bits of errno
 * (CLF_HSM_ERR_L/H, lustre_user.h:1979-1980). The file is what every node sees: the job runs on any node and the
 * action may have run on any of several data movers, whose event FIFOs are local to each of them. {@code trusted.*}
 * is readable and writable by root only, so a file's owner cannot forge or remove a note (nor make a job log lie).
 *
 * <p>Small on purpose: the reason is cut to {@value #REASON_MAX} bytes, the whole value stays under 1 KiB, well
 * inside an MDT inode's extended attribute space. The agent removes the note when an action on the file succeeds,
 * so a note is the last failure, never an old one under a good copy.
 *
 * @param action what failed (ARCHIVE, RESTORE, ...)
 * @param errno  the positive errno the action was ended with
 * @param reason the agent's cause, redacted and cut
 */
public record FailureNote(String action, int errno, String reason, String host, Instant time) {
    public static final String XATTR = "trusted.azlhsm.failure";
    static final int REASON_MAX = 512;
    private static final String THIS_HOST = lookUpHost();

    /** A note of this host, now. */
    public static FailureNote of(String action, int errno, String reason) {
        return new FailureNote(action, errno, cut(RedactedCause.redact(String.valueOf(reason))), THIS_HOST,
                Instant.now());
    }

    /** Leaves the note on the file (by FID path or path); best effort is the caller's choice. */
    public void write(Path file) throws IOException {
        ExtendedAttributes.set(file, XATTR, encode().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the note through a descriptor open on the file (subject names it in an error). */
    public void write(int fd, String subject) throws IOException {
        ExtendedAttributes.set(fd, subject, XATTR, encode().getBytes(StandardCharsets.UTF_8));
    }

    /** The file's note; empty when it has none or an unreadable one. */
    public static Optional<FailureNote> read(Path file) throws IOException {
        return ExtendedAttributes.get(file, XATTR).flatMap(v -> decode(new String(v, StandardCharsets.UTF_8)));
    }

    /** Removes the file's note (an action on it succeeded); a file without one, or gone, is fine. */
    public static void clear(Path file) throws IOException {
        try {
            ExtendedAttributes.remove(file, XATTR);
        } catch (NoSuchFileException gone) {
            // nothing left to clear
        }
    }

    /** Writes the note of a held file, without looking its name up again. */
    public void write(HeldFile held) throws IOException {
        ExtendedAttributes.set(held, XATTR, encode().getBytes(StandardCharsets.UTF_8));
    }

    /** Removes the note of a held file, without looking its name up again; a file without one is fine. */
    public static void clear(HeldFile held) throws IOException {
        ExtendedAttributes.remove(held, XATTR);
    }

    /** Removes the note through a descriptor open on the file (subject names it in an error). */
    public static void clear(int fd, String subject) throws IOException {
        ExtendedAttributes.remove(fd, subject, XATTR);
    }

    /** For a job's log line: "the agent on dm2 failed its ARCHIVE at ... with errno 16 (EBUSY): why". */
    public String describe() {
        return "the agent on " + host + " failed its " + action + " at " + time + " with errno " + errno + " ("
                + Errno.name(errno) + "): " + reason;
    }

    /** One key=value per line, the reason last (it may hold anything but a line break). */
    String encode() {
        return "action=" + action + "\nerrno=" + errno + "\nhost=" + host + "\ntime=" + time + "\nreason="
                + reason.replace('\n', ' ').replace('\r', ' ');
    }

    static Optional<FailureNote> decode(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                fields.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            return Optional.of(new FailureNote(fields.getOrDefault("action", "?"),
                    Integer.parseInt(fields.getOrDefault("errno", "")), fields.getOrDefault("reason", ""),
                    fields.getOrDefault("host", "?"), Instant.parse(fields.getOrDefault("time", ""))));
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** At most REASON_MAX bytes of UTF-8, cut on a character boundary. */
    static String cut(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= REASON_MAX) {
            return reason;
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(REASON_MAX - 3);
        CharBuffer in = CharBuffer.wrap(reason);
        encoder.encode(in, out, true);
        return reason.substring(0, in.position()) + "...";
    }

    private static String lookUpHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "localhost" : env;
        }
    }
}

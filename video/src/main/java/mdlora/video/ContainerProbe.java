package mdlora.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Looks at a file before jcodec does, so that anything mdlora cannot open gets a message saying
 * what the file is: another container (FLV, Ogg, MPEG-TS, ...), no recognisable container at all,
 * an empty file, or an MP4 that was cut off. jcodec itself would fail deep inside its parser.
 */
final class ContainerProbe {
    private ContainerProbe() {}

    /** The containers mdlora reads. */
    enum Container { MP4, AVI, MATROSKA }

    /** Which container {@code file} is, by its first bytes; anything else is refused naming what it is. */
    static Container identify(Path file) throws IOException {
        byte[] head = head(file);
        if (head.length >= 8 && isMp4BoxType(new String(head, 4, 4, StandardCharsets.ISO_8859_1))) return Container.MP4;
        String other = otherContainer(head);
        if (other == null)
            throw new VideoFormatException(file, "no known video container (file starts with bytes "
                    + HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(8, head.length)) + ")",
                    "check that it is a video file (ffmpeg -i " + file + " says what it holds)");
        if (other.equals(AVI)) return Container.AVI;
        if (other.equals(MATROSKA)) return Container.MATROSKA;
        throw new VideoFormatException(file, other + ", but only MP4, Matroska and AVI can be read", VideoFormatException.reencode(file));
    }

    private static byte[] head(Path file) throws IOException {
        if (!Files.isRegularFile(file))
            throw new VideoFormatException(file, Files.exists(file) ? "not a regular file" : "no such file", "check the path");
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            if (size == 0)
                throw new VideoFormatException(file, "empty file (0 bytes)", "the file was not written completely; copy or download it again");
            byte[] head = new byte[(int) Math.min(16, size)];
            read(ch, 0, head.length).get(head);
            return head;
        }
    }

    /** Checks that {@code file}, an MP4 by {@link #identify}, is complete and returns its major brand (e.g. "isom"). */
    static String requireCompleteMp4(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            return walkTopLevelBoxes(file, ch, ch.size());
        }
    }

    private static final String AVI = "AVI container", MATROSKA = "Matroska/WebM container";

    /** The name of the non-MP4 format that {@code b} starts, or null when it is none known. */
    private static String otherContainer(byte[] b) {
        String ascii = new String(b, StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("RIFF") && ascii.startsWith("AVI ", 8)) return AVI;
        if (b.length >= 4 && (b[0] & 0xFF) == 0x1A && (b[1] & 0xFF) == 0x45 && (b[2] & 0xFF) == 0xDF && (b[3] & 0xFF) == 0xA3)
            return MATROSKA;
        if (ascii.startsWith("FLV")) return "FLV container";
        if (ascii.startsWith("OggS")) return "Ogg container";
        if (b.length >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 1 && (b[3] & 0xFF) == 0xBA) return "MPEG program stream";
        if (b[0] == 0x47) return "MPEG transport stream";
        if (b.length >= 4 && b[0] == 0 && b[1] == 0 && (b[2] == 1 || b[2] == 0 && b[3] == 1)) return "raw H.264/MPEG elementary stream";
        return null;
    }

    private static boolean isMp4BoxType(String type) {
        return switch (type) {
            case "ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "uuid" -> true;
            default -> false;
        };
    }

    /** Walks the top-level boxes: each must fit in the file, one must be the movie header 'moov', none a fragment. */
    private static String walkTopLevelBoxes(Path file, FileChannel ch, long size) throws IOException {
        String brand = "mp4";
        boolean moov = false;
        for (long pos = 0; pos < size; ) {
            if (size - pos < 8)
                throw truncated(file, "a box header at byte " + pos + " is cut off");
            ByteBuffer h = read(ch, pos, 16);
            long boxSize = h.getInt(0) & 0xFFFFFFFFL;
            String type = new String(new byte[] {h.get(4), h.get(5), h.get(6), h.get(7)}, StandardCharsets.ISO_8859_1);
            if (boxSize == 1 && h.remaining() >= 16) boxSize = h.getLong(8);
            else if (boxSize == 0) boxSize = size - pos;
            if (boxSize < 8)
                throw new VideoFormatException(file, "damaged MP4: box '" + printable(type) + "' at byte " + pos + " has size " + boxSize,
                        "replace the file or " + VideoFormatException.reencode(file));
            if (pos + boxSize > size)
                throw truncated(file, "box '" + printable(type) + "' at byte " + pos + " needs " + boxSize + " bytes, "
                        + (size - pos) + " are left");
            if (type.equals("ftyp") && boxSize >= 12) brand = new String(new byte[] {h.get(8), h.get(9), h.get(10), h.get(11)}, StandardCharsets.ISO_8859_1).trim();
            if (type.equals("moof"))
                throw new VideoFormatException(file, "fragmented MP4 (frames in 'moof' fragments), which jcodec does not read",
                        "remux it, e.g. ffmpeg -i " + file + " -c copy " + file.resolveSibling("flat_" + file.getFileName()));
            moov |= type.equals("moov");
            pos += boxSize;
        }
        if (!moov)
            throw truncated(file, "there is no movie header ('moov' box), as when a recording or copy is cut off");
        return brand;
    }

    private static VideoFormatException truncated(Path file, String detail) {
        return new VideoFormatException(file, "truncated MP4: " + detail, "copy or download the file again");
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 32 && c < 127) ? type : HexFormat.of().formatHex(type.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
            // FileChannel.read may return fewer bytes than asked: read on until full or at the end
        }
        return buf.flip();
    }
}

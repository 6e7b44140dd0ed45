package mdlora.video;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes AVI files from the headers and video chunks of another, with the index the test asks for:
 * 'idx1', OpenDML ('indx' super index with one 'ix00' standard index, as files over 1 GB carry), or
 * none, so that each way of finding the chunks is tested on the same frames.
 */
final class AviBuilder {
    enum Index { IDX1, OPENDML, NONE }

    private AviBuilder() {}

    /** The video chunks of {@code source}, as {@link AviFile} finds them. */
    static List<byte[]> chunks(Path source) throws IOException {
        try (FileChannel ch = FileChannel.open(source)) {
            AviFile avi = AviFile.read(source, ch);
            List<byte[]> out = new ArrayList<>();
            for (AviFile.Chunk c : avi.chunks) {
                ByteBuffer b = avi.data(c);
                byte[] a = new byte[b.remaining()];
                b.get(a);
                out.add(a);
            }
            return out;
        }
    }

    /** An AVI of {@code chunks} (stream 00, 64x48, 25 fps, FourCC {@code fourcc}) with the given index. */
    static byte[] write(List<byte[]> chunks, String fourcc, int width, int height, Index index) {
        byte[] strh = le(b -> {
            b.put(ascii("vids")).put(ascii(fourcc)).putInt(0).putInt(0).putInt(0).putInt(1).putInt(25).putInt(0).putInt(chunks.size())
                    .putInt(0).putInt(-1).putInt(0).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height);
        }, 56);
        byte[] strf = le(b -> b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).put(ascii(fourcc))
                .putInt(width * height * 3).putInt(0).putInt(0).putInt(0).putInt(0), 40);
        byte[] indx = index == Index.OPENDML ? new byte[24 + 16] : null; // filled in once the ix00 chunk's place is known
        ByteArrayOutputStream strl = new ByteArrayOutputStream();
        strl.writeBytes(chunk("strh", strh));
        strl.writeBytes(chunk("strf", strf));
        if (indx != null) strl.writeBytes(chunk("indx", indx));
        byte[] avih = le(b -> b.putInt(40000).putInt(0).putInt(0).putInt(0x10).putInt(chunks.size()).putInt(0).putInt(1).putInt(0)
                .putInt(width).putInt(height).putInt(0).putInt(0).putInt(0).putInt(0), 56);
        byte[] hdrl = list("hdrl", concat(chunk("avih", avih), list("strl", strl.toByteArray())));
        ByteArrayOutputStream movi = new ByteArrayOutputStream();
        movi.writeBytes(ascii("movi"));
        List<int[]> entries = new ArrayList<>(); // {offset of the chunk header from 'movi', size}
        for (byte[] c : chunks) {
            entries.add(new int[] {movi.size(), c.length});
            movi.writeBytes(chunk("00dc", c));
        }
        int headerBytes = 12 + hdrl.length, moviFourcc = headerBytes + 8;
        ByteArrayOutputStream riff = new ByteArrayOutputStream();
        riff.writeBytes(ascii("AVI "));
        riff.writeBytes(hdrl);
        riff.writeBytes(chunk("LIST", movi.toByteArray()));
        if (index == Index.IDX1)
            riff.writeBytes(chunk("idx1", le(b -> {
                for (int i = 0; i < entries.size(); i++)
                    b.put(ascii("00dc")).putInt(i == 0 ? 0x10 : 0).putInt(entries.get(i)[0]).putInt(entries.get(i)[1]);
            }, 16 * entries.size())));
        if (index == Index.OPENDML) {
            long ixPos = 8 + riff.size();
            byte[] ix = le(b -> {
                b.putShort((short) 2).put((byte) 0).put((byte) 1).putInt(entries.size()).put(ascii("00dc")).putLong(moviFourcc).putInt(0);
                for (int i = 0; i < entries.size(); i++) b.putInt(entries.get(i)[0] + 8).putInt(entries.get(i)[1] | (i == 0 ? 0 : 0x80000000));
            }, 24 + 8 * entries.size());
            riff.writeBytes(chunk("ix00", ix));
            ByteBuffer.wrap(indx).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 4).put((byte) 0).put((byte) 0).putInt(1).put(ascii("00dc"))
                    .putInt(0).putInt(0).putInt(0).putLong(ixPos).putInt(8 + ix.length).putInt(chunks.size());
            byte[] all = concat(ascii("RIFF"), le(b -> b.putInt(riff.size()), 4), riff.toByteArray());
            // The indx chunk was written before its contents were known: write it again in place.
            int at = indexOf(all, ascii("indx")) + 8;
            System.arraycopy(indx, 0, all, at, indx.length);
            return all;
        }
        return concat(ascii("RIFF"), le(b -> b.putInt(riff.size()), 4), riff.toByteArray());
    }

    private static int indexOf(byte[] a, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= a.length; i++) {
            for (int k = 0; k < what.length; k++) if (a[i + k] != what[k]) continue outer;
            return i;
        }
        return -1;
    }

    static byte[] chunk(String id, byte[] data) {
        byte[] pad = new byte[data.length & 1];
        return concat(ascii(id), le(b -> b.putInt(data.length), 4), data, pad);
    }

    private static byte[] list(String kind, byte[] body) {
        return chunk("LIST", concat(ascii(kind), body));
    }

    private static byte[] le(java.util.function.Consumer<ByteBuffer> fill, int n) {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}

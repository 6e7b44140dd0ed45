package mdlora.video;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.jcodec.codecs.mpeg4.MPEG4Decoder;
import org.jcodec.codecs.mpeg4.MPEG4DecodingContext;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * jcodec 0.2.5's MPEG-4 Part 2 decoder with its time-base defect worked around, the one place that
 * touches jcodec's internals for MPEG-4. The decoder adds each VOP's {@code modulo_time_base} (whole
 * seconds) to a running {@code timestampMSB} in its decoding context and never resets it, so after
 * the first second the distances between a B-frame and its references, which direct-mode motion
 * vectors are scaled by, come out wrong: every B-frame then decodes at 17-31 dB against ffmpeg.
 * Zeroing the field before each VOP makes the distances right again (66-69 dB), because jcodec
 * then counts each VOP's seconds from the previous one, as the standard defines them.
 * {@code JcodecMpeg4Test} fails when a jcodec version drops the field or fixes the defect.
 */
final class JcodecMpeg4 {
    private static final Field CONTEXT = field(MPEG4Decoder.class, "ctx"), TIMESTAMP_MSB = field(MPEG4DecodingContext.class, "timestampMSB");

    private final MPEG4Decoder decoder = new MPEG4Decoder();
    private final boolean resetTimeBase;

    /** A fresh decoder; {@code resetTimeBase} false only for the test that shows the defect. */
    JcodecMpeg4(boolean resetTimeBase) {
        this.resetTimeBase = resetTimeBase;
    }

    /** Decodes one VOP (with the stream headers before it, for the first) into a new picture. */
    Picture decode(ByteBuffer vop, int codedWidth, int codedHeight) {
        if (resetTimeBase) {
            try {
                Object ctx = CONTEXT.get(decoder);
                if (ctx != null) TIMESTAMP_MSB.setInt(ctx, 0);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        // A new buffer each time: the decoder keeps the pictures it returns as its references.
        byte[][] buffer = Picture.create(codedWidth, codedHeight, ColorSpace.YUV420).getData();
        return decoder.decodeFrame(vop, buffer);
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this jcodec version has no " + owner.getSimpleName() + "." + name + "; mdlora expects jcodec 0.2.5", e);
        }
    }
}

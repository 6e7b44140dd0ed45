package mdlora.lora;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import mdlora.tensor.Tensor;

/**
 * SHA-256 over the names, shapes and float32 bytes of the frozen weights an adapter was trained on, so that
 * loading it onto a different backbone fails instead of silently producing nonsense (and so that a cluster's
 * executors can check they read the driver's backbone).
 */
public final class BaseFingerprint {
    private BaseFingerprint() {}

    /**
     * {@code "sha256:<hex>"} of {@code weights} (name to tensor, hashed in the map's order).
     *
     * @param weights frozen weights, by name
     * @return {@code "sha256:"} followed by 64 hex digits
     */
    public static String of(Map<String, Tensor> weights) {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (var e : weights.entrySet()) {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            Tensor t = e.getValue();
            for (int s : t.shape()) sha.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(s).array());
            float[] data = t.contiguousData();
            int n = t.numel();
            for (int i = 0; i < n; i++) {
                if (!buf.hasRemaining()) flush(sha, buf);
                buf.putFloat(data[i]);
            }
            flush(sha, buf);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static void flush(MessageDigest sha, ByteBuffer buf) {
        sha.update(buf.array(), 0, buf.position());
        buf.clear();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

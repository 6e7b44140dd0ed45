package mdlora.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import mdlora.autograd.Variable;
import mdlora.launcher.model.MultiDomainModel;

/**
 * SHA-256 over the names, shapes and values of a model's frozen parameters: what an executor compares
 * with the driver's before it computes anything, so that a stale or different backbone file on some
 * machine's view of the shared filesystem fails loudly instead of training silently wrong.
 */
final class Fingerprint {
    private Fingerprint() {}

    static String of(MultiDomainModel model) {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        model.classifier().namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) return;
            sha.update((name + Arrays.toString(p.shape())).getBytes(StandardCharsets.UTF_8));
            digest(sha, buffer, p);
        });
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void digest(MessageDigest sha, ByteBuffer buffer, Variable p) {
        float[] values = p.data().toArray();
        for (int i = 0; i < values.length; ) {
            buffer.clear();
            while (i < values.length && buffer.remaining() >= Float.BYTES) buffer.putFloat(values[i++]);
            buffer.flip();
            sha.update(buffer);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}

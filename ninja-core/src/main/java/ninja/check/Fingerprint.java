package ninja.check;

import java.util.zip.CRC32C;
import ninja.data.Batch;
import ninja.model.Parameters;
import ninja.tensor.Tensor;

/**
 * A checksum of the parameter values and the batch a gradient was computed from, so a reference computed from
 * other parameters or another batch (the notebook's bug: the forward was re-run after backward) is caught and
 * named instead of compared.
 */
public record Fingerprint(long parameters, long batch) {

    public static Fingerprint of(Parameters p, Batch b) {
        CRC32C pc = new CRC32C();
        for (Tensor t : p.trainable()) {
            for (float v : t.data()) {
                int bits = Float.floatToRawIntBits(v);
                pc.update(bits);
                pc.update(bits >>> 8);
                pc.update(bits >>> 16);
                pc.update(bits >>> 24);
            }
        }
        CRC32C bc = new CRC32C();
        for (int v : b.xb()) {
            bc.update(v);
        }
        for (int v : b.yb()) {
            bc.update(v + 1000);
        }
        return new Fingerprint(pc.getValue(), bc.getValue());
    }

    /** Null when equal, else what differs. */
    public String mismatch(Fingerprint reference) {
        if (parameters != reference.parameters) {
            return "the reference was computed from different parameter values";
        }
        if (batch != reference.batch) {
            return "the reference was computed on a different batch";
        }
        return null;
    }
}

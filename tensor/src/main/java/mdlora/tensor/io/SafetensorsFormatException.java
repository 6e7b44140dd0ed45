package mdlora.tensor.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that breaks the format; the message names the file and the defect. */
public final class SafetensorsFormatException extends IOException {
    SafetensorsFormatException(Path file, String defect) {
        super(file + ": " + defect);
    }
}

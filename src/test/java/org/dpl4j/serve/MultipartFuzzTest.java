package org.dpl4j.serve;

import static org.dpl4j.testutil.ParserProperty.returnsOrRefuses;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dpl4j.testutil.FuzzFiles;

/**
 * The server's {@code multipart/form-data} parser on a fuzzed Content-Type header and body (two parts,
 * {@link FuzzFiles}). It returns the image part, which lies inside the body, or refuses with the
 * IllegalArgumentException the server answers 400 with (one line).
 */
class MultipartFuzzTest {
    @FuzzTest
    // no CR or LF in entries: libFuzzer's dictionary files cannot hold them (the seeds have plenty)
    @DictionaryEntries({FuzzFiles.SEPARATOR, "multipart/form-data; boundary=", "--", "Content-Disposition: form-data; ",
        "name=\"image\"", "name=\"file\"", "filename=\"a.png\"", "boundary=\""})
    void findsTheImageOrRefuses(byte[] data) throws Exception {
        List<byte[]> parts = FuzzFiles.split(data, 2);
        String contentType = new String(parts.get(0), StandardCharsets.ISO_8859_1);
        byte[] body = parts.get(1);
        byte[] image = returnsOrRefuses(() -> Multipart.image(body, contentType), null, IllegalArgumentException.class);
        if (image != null && image.length > body.length) {
            throw new AssertionError("a part of " + image.length + " bytes from a body of " + body.length);
        }
    }
}

package fr.passerelle.routes;

/** Byte-array helpers for tests that tamper with sealed messages. */
public final class Bytes {

    private Bytes() {
    }

    /** Where {@code needle} first occurs in {@code haystack}; fails when it does not occur. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}

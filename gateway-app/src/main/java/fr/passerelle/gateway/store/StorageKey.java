package fr.passerelle.gateway.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that encrypts stored plaintext at rest: AES-256-GCM, a fresh 12-byte nonce per message, the message's
 * identity as associated data (so a stored ciphertext cannot be moved onto another row). Kept in a file of its
 * own, base64, readable by the gateway's account only; generated on first start when allowed.
 */
public final class StorageKey {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private static final ThreadLocal<Cipher> ENCRYPTING = ThreadLocal.withInitial(StorageKey::newCipher);

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    private StorageKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("a storage key is 32 bytes (AES-256), this one has " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** The key in {@code file}; when the file does not exist and {@code generate} is set, a new one written there. */
    public static StorageKey load(Path file, boolean generate) throws IOException {
        if (!Files.exists(file)) {
            if (!generate) {
                throw new IOException("no storage key at " + file);
            }
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file);
            } catch (FileAlreadyExistsException raced) {
                return load(file, false);
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the folder's own permissions must protect it.
            }
            Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n", StandardCharsets.US_ASCII);
            return new StorageKey(raw);
        }
        return new StorageKey(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    }

    /** nonce || ciphertext || tag. */
    public byte[] encrypt(byte[] plaintext, String associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            // A cipher is reused by its thread only, and each use starts with init and a fresh nonce.
            Cipher cipher = ENCRYPTING.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] stored = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, stored, 0, NONCE_BYTES);
            int written = cipher.doFinal(plaintext, 0, plaintext.length, stored, NONCE_BYTES);
            return written == stored.length - NONCE_BYTES ? stored : Arrays.copyOf(stored, NONCE_BYTES + written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt for storage", e);
        }
    }

    /** The plaintext, or an exception when the ciphertext, its associated data or the key do not match. */
    public byte[] decrypt(byte[] stored, String associatedData) {
        try {
            Cipher cipher = newCipher();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOf(stored, NONCE_BYTES)));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored message cannot be decrypted: wrong key or altered data", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime has no AES/GCM/NoPadding", e);
        }
    }
}

package fr.passerelle.routes.seal;

import java.util.List;

/**
 * Who this gateway is: its party id ({@code fr} by default), the key it signs with, and every encryption key it
 * can still decrypt with (the first is the current one; older ones stay during a rotation).
 */
public record LocalIdentity(String id, Credential signing, List<Credential> decryption) {

    public LocalIdentity {
        decryption = List.copyOf(decryption);
        if (decryption.isEmpty()) {
            throw new IllegalArgumentException("an identity needs at least one decryption credential");
        }
    }
}

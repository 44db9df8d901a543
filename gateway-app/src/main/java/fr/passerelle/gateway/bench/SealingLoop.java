package fr.passerelle.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.SecurityProfile;

/** The cryptography alone: the same plaintext sealed over and over for one partner, as the gateway seals it. */
final class SealingLoop {

    private final SecurityProfile profile;
    private final Credential signer;
    private final Partner partner;
    private final byte[] plaintext;

    SealingLoop(SecurityProfile profile, Credential signer, Partner partner, byte[] plaintext) {
        this.profile = profile;
        this.signer = signer;
        this.partner = partner;
        this.plaintext = plaintext;
    }

    /** Seals {@code count} messages spread over {@code threads} threads; messages per second. */
    double rate(int count, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int share = count / threads + (t < count % threads ? 1 : 0);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        profile.seal(plaintext, signer, partner.currentEncryption());
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
            return count / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}

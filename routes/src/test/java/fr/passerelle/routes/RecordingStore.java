package fr.passerelle.routes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import fr.passerelle.routes.store.MessageStore;

/** A message store that keeps what it is given in memory, once per direction, messageId and partner, for route tests. */
public final class RecordingStore implements MessageStore {

    public record Stored(Direction direction, String messageId, String partner, Summary summary, byte[] sealed,
            byte[] plaintext, byte[] receipt, Instant deliveredAt, String source) {
    }

    private final List<Stored> stored = new CopyOnWriteArrayList<>();

    @Override
    public synchronized boolean store(Direction direction, String messageId, String partner, Summary summary,
            byte[] sealed, byte[] plaintext, byte[] receipt, String source) {
        if (find(direction, messageId, partner).isPresent()) {
            return false;
        }
        return stored.add(new Stored(direction, messageId, partner, summary, sealed, plaintext, receipt, null, source));
    }

    @Override
    public Optional<Copy> copy(Direction direction, String messageId, String partner) {
        return find(direction, messageId, partner).map(s -> new Copy(s.sealed(), s.receipt(), s.deliveredAt(), s.source()));
    }

    @Override
    public synchronized void delivered(String messageId, String partner, byte[] receipt, Instant at) {
        Stored old = find(Direction.OUTBOUND, messageId, partner).orElseThrow(
                () -> new IllegalStateException("no outbound copy of " + messageId + " for " + partner));
        stored.set(stored.indexOf(old), new Stored(old.direction(), messageId, partner, old.summary(),
                old.sealed(), old.plaintext(), receipt == null ? old.receipt() : receipt, at, old.source()));
    }

    public List<Stored> stored() {
        return stored;
    }

    private Optional<Stored> find(Direction direction, String messageId, String partner) {
        return stored.stream().filter(s -> s.direction() == direction && s.messageId().equals(messageId)
                && s.partner().equals(partner)).findFirst();
    }
}

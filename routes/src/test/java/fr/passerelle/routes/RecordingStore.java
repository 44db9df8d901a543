package fr.passerelle.routes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import fr.passerelle.routes.store.MessageStore;

/** A message store that keeps what it is given in memory, for route tests. */
public final class RecordingStore implements MessageStore {

    public record Stored(Direction direction, String messageId, String partner, String messageType, byte[] sealed,
            byte[] plaintext, byte[] receipt) {
    }

    private final List<Stored> stored = new CopyOnWriteArrayList<>();

    @Override
    public void store(Direction direction, String messageId, String partner, String messageType, byte[] sealed,
            byte[] plaintext, byte[] receipt) {
        stored.add(new Stored(direction, messageId, partner, messageType, sealed, plaintext, receipt));
    }

    public List<Stored> stored() {
        return stored;
    }
}

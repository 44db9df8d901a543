package fr.passerelle.gateway.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The garbage collector's pauses while it listens, as the JVM reports each collection: how many, the longest and
 * their sum. A latency run's slowest messages either waited for such a pause or for something else, such as the
 * broker journal's disk: the report says which could be.
 */
final class GcPauses implements AutoCloseable {

    /** What was paused: how many collections, the longest and all of them together, in milliseconds. */
    record Summary(int pauses, long longestMillis, long totalMillis) {
        String text() {
            return pauses == 0 ? "none" : String.format(Locale.ROOT, "%d, the longest %d ms, %d ms in all", pauses,
                    longestMillis, totalMillis);
        }
    }

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = (notification, handback) -> collected(notification);
    private final List<Long> durations = new ArrayList<>();

    private GcPauses() {
    }

    /** Starts listening to every collector of this JVM that tells its collections. */
    static GcPauses listen() {
        GcPauses pauses = new GcPauses();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(pauses.listener, null, null);
                pauses.emitters.add(emitter);
            }
        }
        return pauses;
    }

    /**
     * Whether a collection of this kind stops the application: G1's and the serial and parallel collectors'
     * young and full collections do, ZGC's and Shenandoah's concurrent cycles do not (they report their pauses
     * apart, as such).
     */
    static boolean pause(String gcAction) {
        return !gcAction.toLowerCase(Locale.ROOT).contains("cycle");
    }

    private void collected(Notification notification) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        if (pause(info.getGcAction())) {
            synchronized (durations) {
                durations.add(info.getGcInfo().getDuration());
            }
        }
    }

    /** The pauses so far. */
    Summary summary() {
        synchronized (durations) {
            return new Summary(durations.size(), durations.stream().mapToLong(Long::longValue).max().orElse(0),
                    durations.stream().mapToLong(Long::longValue).sum());
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // Not listening there: nothing to remove.
            }
        }
    }
}

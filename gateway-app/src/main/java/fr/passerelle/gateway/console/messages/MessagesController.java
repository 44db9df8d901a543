package fr.passerelle.gateway.console.messages;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.console.messages.MessageSearch.AuditEntry;
import fr.passerelle.gateway.console.messages.MessageSearch.Copy;
import fr.passerelle.gateway.console.messages.MessageSearch.Filter;
import fr.passerelle.gateway.console.messages.MessageSearch.Row;
import fr.passerelle.gateway.console.messages.MessageSearch.Status;
import fr.passerelle.gateway.store.JdbcMessageStore.StoredMessage;
import fr.passerelle.gateway.store.MessageViews;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.store.MessageStore.Direction;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.MessageType;
import fr.passerelle.schema.envelope.Priority;

/**
 * The message pages, for every console user within their desks: the list of stored messages with its filters
 * (header columns only, nothing decrypted), and one message with its marking, content, sealing details and audit
 * timeline. A message of another desk answers exactly as a message that does not exist.
 */
@Controller
class MessagesController {

    /** The most of a partner-format copy shown as text: beyond it the page would be unreadable anyway. */
    static final int MAX_TEXT = 200_000;

    /** Records of people looking a message up: they say nothing of the message, so they never make it visible. */
    static final Set<String> LOOK_UPS = Set.of(AuditEvent.MESSAGE_READ.name(), AuditEvent.MESSAGE_READ_REFUSED.name());

    /**
     * One stored copy as the detail page shows it; what the template calls is public, as SpEL requires.
     *
     * @param receiptSize null when no receipt is stored
     * @param envelope the content read as an envelope, or null
     * @param text the content as text when it is in a partner's format, or null
     * @param note what the page says about content it does not show, or null
     */
    record CopyView(Row row, String sealedSize, String sealedSha256, String receiptSize, String receiptSha256,
            EnvelopeView envelope, String text, String note) {

        public String deliveredAt() {
            return row.deliveredAt() == null ? null : Display.time(row.deliveredAt());
        }
    }

    private final MessageSearch search;
    private final MessageViews views;
    private final EnvelopeReader reader;
    private final Parties parties;

    MessagesController(MessageSearch search, MessageViews views, EnvelopeReader reader, Parties parties) {
        this.search = search;
        this.views = views;
        this.reader = reader;
        this.parties = parties;
    }

    @GetMapping("/messages")
    String list(Authentication authentication, @RequestParam(required = false) String partner,
            @RequestParam(required = false) Direction direction, @RequestParam(required = false) Status status,
            @RequestParam(required = false) String type, @RequestParam(required = false) String priority,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
            @RequestParam(required = false) String caseReference, @RequestParam(required = false) Instant before,
            @RequestParam(required = false) Long beforeId, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        Filter filter = new Filter(blankToNull(partner), direction, status, blankToNull(type),
                blankToNull(priority), from, to, blankToNull(caseReference));
        MessageSearch.Key after = before == null || beforeId == null ? null : new MessageSearch.Key(before, beforeId);
        MessageSearch.Page page = search.page(scope, filter, after);

        model.addAttribute("filter", filter);
        model.addAttribute("page", page);
        model.addAttribute("paged", after != null);
        model.addAttribute("newestLink", link(filter, null));
        model.addAttribute("olderLink", page.next() == null ? null : link(filter, page.next()));
        model.addAttribute("partners", parties.partners().keySet().stream().filter(scope::sees).sorted().toList());
        model.addAttribute("directions", Direction.values());
        model.addAttribute("statuses", Status.values());
        model.addAttribute("types", Arrays.stream(MessageType.values()).map(MessageType::value).toList());
        model.addAttribute("priorities", Arrays.stream(Priority.values()).map(Priority::value).toList());
        return "messages/list";
    }

    @GetMapping("/messages/{messageId}")
    String detail(Authentication authentication, @PathVariable String messageId, Model model) {
        DeskScope scope = DeskScope.of(authentication);
        List<Copy> stored = search.copies(messageId);
        List<Copy> copies = stored.stream().filter(copy -> scope.sees(copy.row().partner())).toList();
        List<AuditEntry> records = search.timeline(messageId, stored).stream()
                .filter(entry -> !LOOK_UPS.contains(entry.event())).toList();
        // Held for review or quarantined, a message is only in the audit trail: the partners named there decide.
        boolean visible = !copies.isEmpty() || records.stream()
                .anyMatch(entry -> entry.partner() == null ? scope.all() : scope.sees(entry.partner()));
        if (!visible) {
            views.refused(authentication.getName(), messageId, stored.isEmpty() && records.isEmpty()
                    ? "no message is known under this messageId"
                    : "outside the desks of " + authentication.getName());
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        List<AuditEntry> timeline = search.timeline(messageId, copies).stream()
                .filter(entry -> entry.partner() == null || scope.sees(entry.partner())).toList();

        Map<Long, byte[]> plaintexts = new LinkedHashMap<>();
        if (!copies.isEmpty()) {
            for (StoredMessage shownCopy : views.view(authentication.getName(), messageId, scope::sees)) {
                plaintexts.put(shownCopy.id(), shownCopy.plaintext());
            }
        }
        List<CopyView> shown = new ArrayList<>();
        Marking marking = null;
        List<EnvelopeView.Field> header = List.of();
        for (Copy copy : copies) {
            byte[] plaintext = plaintexts.get(copy.row().id());
            Envelope envelope = plaintext == null ? null : envelope(plaintext);
            if (envelope != null && marking == null) {
                marking = Marking.of(envelope);
                header = EnvelopeView.of(envelope).header();
            }
            shown.add(copyView(copy, plaintext, envelope));
        }
        if (marking == null && !copies.isEmpty()) {
            marking = plaintexts.values().stream().map(Marking::ofPartnerFormat).filter(found -> found != null)
                    .findFirst().orElse(Marking.ofClassification(copies.get(0).row().classification()));
        }
        if (header.isEmpty() && !copies.isEmpty()) {
            header = summary(messageId, copies.get(0).row());
        }
        model.addAttribute("messageId", messageId);
        model.addAttribute("marking", marking);
        model.addAttribute("header", header);
        model.addAttribute("copies", shown);
        model.addAttribute("timeline", timeline);
        return "messages/detail";
    }

    /** The envelope in a stored plaintext, or null when the plaintext is in a partner's format. */
    private Envelope envelope(byte[] plaintext) {
        try {
            return reader.read(plaintext);
        } catch (GatewayException e) {
            return null;
        }
    }

    private static CopyView copyView(Copy copy, byte[] plaintext, Envelope envelope) {
        String receiptSize = copy.receipt() == null ? null : Display.bytes(copy.receipt().length);
        String receiptSha256 = copy.receipt() == null ? null : Receipts.sha256Hex(copy.receipt());
        String sealedSize = Display.bytes(copy.sealed().length);
        String sealedSha256 = Receipts.sha256Hex(copy.sealed());
        if (plaintext == null) {
            return new CopyView(copy.row(), sealedSize, sealedSha256, receiptSize, receiptSha256, null, null,
                    "The content of this copy is no longer stored.");
        }
        if (envelope != null) {
            return new CopyView(copy.row(), sealedSize, sealedSha256, receiptSize, receiptSha256,
                    EnvelopeView.of(envelope), null, null);
        }
        String text = new String(plaintext, StandardCharsets.UTF_8);
        String note = "This copy is in the partner's format, shown as it was sealed.";
        if (text.length() > MAX_TEXT) {
            note += " Only its first " + MAX_TEXT + " characters of " + text.length() + " are shown.";
            text = text.substring(0, MAX_TEXT);
        }
        return new CopyView(copy.row(), sealedSize, sealedSha256, receiptSize, receiptSha256, null, text, note);
    }

    /** The header fields the store keeps in clear, when no copy reads as an envelope. */
    private static List<EnvelopeView.Field> summary(String messageId, Row row) {
        List<EnvelopeView.Field> fields = new ArrayList<>();
        fields.add(new EnvelopeView.Field("Message id", messageId));
        if (row.caseReference() != null) {
            fields.add(new EnvelopeView.Field("Case reference", row.caseReference()));
        }
        if (row.messageType() != null) {
            fields.add(new EnvelopeView.Field("Message type", row.messageType()));
        }
        if (row.priority() != null) {
            fields.add(new EnvelopeView.Field("Priority", row.priority()));
        }
        return fields;
    }

    /** The list's address with these filters, from this key on (null: the newest). */
    private static String link(Filter filter, MessageSearch.Key after) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("partner", filter.partner());
        parameters.put("direction", filter.direction());
        parameters.put("status", filter.status());
        parameters.put("type", filter.messageType());
        parameters.put("priority", filter.priority());
        parameters.put("from", filter.from());
        parameters.put("to", filter.to());
        parameters.put("caseReference", filter.caseReference());
        if (after != null) {
            parameters.put("before", after.storedAt());
            parameters.put("beforeId", after.id());
        }
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null) {
                query.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        return "/messages" + query;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

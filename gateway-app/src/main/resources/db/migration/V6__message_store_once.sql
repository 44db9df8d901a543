-- One copy per direction, messageId and partner: the store is what makes a message redelivered after a crash
-- sealed once (the recorded copy is sent) and delivered once (delivered_at). Copies stored twice before this
-- rule keep their first one.
delete from message_store
where exists (select 1 from message_store earlier
              where earlier.message_id = message_store.message_id
                and earlier.direction = message_store.direction
                and earlier.partner = message_store.partner
                and earlier.id < message_store.id);

create unique index message_store_once on message_store (message_id, direction, partner);

-- When the partner's channel took an outbound message (null while it waits, and for pull-queue partners).
alter table message_store add column delivered_at timestamp with time zone;

-- The broker's arrival id of the national message an outbound copy was sealed from: the same id again is a
-- redelivery (the recorded copy is sent), another id is a second message under the same messageId (refused).
alter table message_store add column source varchar(64);

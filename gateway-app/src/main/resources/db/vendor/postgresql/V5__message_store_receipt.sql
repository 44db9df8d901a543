-- The signed receipt that went with the message: the one we issued for an inbound message, or the partner's
-- for an outbound one when its channel returns one. Empty when there is none.
alter table message_store add column receipt bytea;

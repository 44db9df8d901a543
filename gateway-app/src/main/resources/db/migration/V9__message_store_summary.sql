-- Header fields of a stored message kept in clear, so that the console searches and lists without decrypting
-- (never body content), and the indexes its lists page with.
alter table message_store add column priority varchar(16);
alter table message_store add column classification varchar(16);
alter table message_store add column case_reference varchar(64);
alter table message_store add column sender varchar(32);

create index message_store_partner_stored on message_store (partner, stored_at, id);
create index message_store_case_reference on message_store (case_reference);

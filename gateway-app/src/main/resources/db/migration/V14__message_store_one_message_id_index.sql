-- Looking a message up by its id needs no index of its own: message_store_once (message_id, direction, partner)
-- starts with it and serves the same look-ups. One index fewer to update for every copy stored.
drop index message_store_message_id;

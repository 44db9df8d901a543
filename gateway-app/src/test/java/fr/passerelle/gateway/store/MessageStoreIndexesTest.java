package fr.passerelle.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.persistence.Databases;

/**
 * Once migrated, the store has no index of the message id alone, and looking a message up by its id (the console,
 * the evidence bundle, a redelivery's earlier copy) still goes through an index: the one that keeps a copy once.
 */
class MessageStoreIndexesTest {

    @Test
    void aLookUpByMessageIdUsesTheOnceIndex() {
        DataSource dataSource = Databases.H2.fresh();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);

        assertThat(jdbc.queryForList("select index_name from information_schema.indexes where table_name ="
                + " 'MESSAGE_STORE'", String.class)).contains("MESSAGE_STORE_ONCE")
                .doesNotContain("MESSAGE_STORE_MESSAGE_ID");
        String plan = jdbc.queryForObject("explain select sealed from message_store where message_id = ? order by id",
                String.class, "m-1");
        assertThat(plan).contains("MESSAGE_STORE_ONCE");
    }
}

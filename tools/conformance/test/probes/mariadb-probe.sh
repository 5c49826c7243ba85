#!/bin/sh
# A --probe-cmd for MariaDB/MySQL DSBs: `write` puts a table, a trigger and a procedure in through the binding;
# `check` proves all three came back in the restored instance.
set -eu
export MYSQL_PWD="$OCOPEA_BINDING_PASSWORD"
q() { mariadb --no-defaults --protocol=TCP -h "$OCOPEA_BINDING_HOST" -P "$OCOPEA_BINDING_PORT" -u "$OCOPEA_BINDING_USERNAME" -N -B "$OCOPEA_BINDING_DATABASE" -e "$1"; }
case "$1" in
  write)
    q "CREATE TABLE probe (id INT PRIMARY KEY, v TEXT NOT NULL)"
    q "CREATE TRIGGER probe_upper BEFORE INSERT ON probe FOR EACH ROW SET NEW.v = UPPER(NEW.v)"
    q "CREATE PROCEDURE probe_count() SELECT COUNT(*) FROM probe"
    q "INSERT INTO probe VALUES (1, 'survived')"
    ;;
  check)
    test "$(q 'SELECT v FROM probe WHERE id = 1')" = SURVIVED
    q "INSERT INTO probe VALUES (2, 'again')"
    test "$(q 'SELECT v FROM probe WHERE id = 2')" = AGAIN
    test "$(q 'CALL probe_count()')" = 2
    ;;
  *) echo "usage: $0 write|check" >&2; exit 2 ;;
esac

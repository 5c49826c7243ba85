-- Databases of the Hub and the two Sites in docker-compose.yml (each keeps its tables in its own schema too).
CREATE DATABASE ocopea_hub;
CREATE DATABASE ocopea_site_a;
CREATE DATABASE ocopea_site_b;

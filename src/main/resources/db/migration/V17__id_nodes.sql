-- The node number each starting process claims for the ids it makes (io.sightline.ingest.session.IdNodes):
-- cycling, so that processes started fewer than 1,024 starts apart never share one. Session ids made with
-- it fit in 53 bits (exact as JSON numbers in JavaScript); the 63-bit session ids stored before stay valid.
create sequence id_nodes as integer minvalue 0 maxvalue 1023 start 0 cycle;

-- What a keyserver's key index needs without the bulky columns (issue 16):
-- ip_addresses: the certificate's SAN IP addresses (4 or 16 bytes each), written by the control
--   plane with the certificate so a keyserver need not parse it. NULL: not recorded (a row written
--   before this migration; a reader parses certificate_pem instead). Empty: none.
-- content_digest: SHA-256 over wrapped_private_key, subject_public_key_info and certificate_pem
--   (ManagedKeyContent), written by the committer with the row, so a keyserver can tell whether they
--   changed without reading them. NULL for rows written before this migration: the store computes
--   it when it reads such a row (the key index page then reads their bulky columns as well).
ALTER TABLE keys
    ADD COLUMN ip_addresses bytea[],
    ADD COLUMN content_digest bytea;

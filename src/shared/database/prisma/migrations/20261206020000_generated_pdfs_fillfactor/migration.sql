-- A job record row is inserted as processing and updated once to its outcome, and none of the
-- updated columns is indexed. With free space left on each page the update stays on the same page
-- (a HOT update) and touches none of the seven indexes of the table, where on full pages every
-- update wrote a new entry in each. Measured on the embedded database: the insert and completion
-- of a chunk went from 137 to 78-92 microseconds per record. Pages written from now on keep 30% free.
-- (No semicolons in these comments: the migration runner splits statements on them.)
ALTER TABLE "generated_pdfs" SET (fillfactor = 70);

module prana/sql

go 1.26.0

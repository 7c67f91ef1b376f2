#!/usr/bin/env bash
# Back up and restore a Changxiao installation: the PostgreSQL database (pg_dump custom format)
# and the instance folder (generated secret key, ticket photos under attachments/).
#
#   bench/backup_restore.sh backup  DATABASE_URL INSTANCE_DIR BACKUP_DIR
#   bench/backup_restore.sh restore BACKUP_DIR NEW_DATABASE_URL NEW_INSTANCE_DIR
#
# restore wants an EMPTY database (createdb it first) and refuses a non-empty one, so it can
# never overwrite live data; it restores in one transaction (all or nothing), without the
# original owner. Afterwards check the books: `pm-app` is not needed, see docs/reliability.md.
set -euo pipefail

die() { echo "backup_restore.sh: $*" >&2; exit 2; }
plain() { echo "${1/postgresql+psycopg:/postgresql:}"; }  # libpq does not know the driver suffix

case "${1:-}" in
backup)
    [ $# -eq 4 ] || die "usage: backup DATABASE_URL INSTANCE_DIR BACKUP_DIR"
    url=$(plain "$2"); instance=$3; out=$4
    mkdir -p "$out"
    pg_dump --format=custom --no-owner --file="$out/database.dump" "$url"
    if [ -d "$instance" ]; then
        tar -czf "$out/instance.tar.gz" -C "$instance" .
    fi
    (cd "$out" && sha256sum database.dump $( [ -f instance.tar.gz ] && echo instance.tar.gz ) > SHA256SUMS)
    echo "backed up to $out: $(du -sh "$out" | cut -f1)"
    ;;
restore)
    [ $# -eq 4 ] || die "usage: restore BACKUP_DIR NEW_DATABASE_URL NEW_INSTANCE_DIR"
    in=$2; url=$(plain "$3"); instance=$4
    (cd "$in" && sha256sum --check --quiet SHA256SUMS) || die "the backup in $in does not match its SHA256SUMS"
    tables=$(psql "$url" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    [ "$tables" = 0 ] || die "the target database is not empty ($tables tables): restore only into a new one"
    pg_restore --no-owner --exit-on-error --single-transaction --dbname="$url" "$in/database.dump"
    if [ -f "$in/instance.tar.gz" ]; then
        mkdir -p "$instance"
        tar -xzf "$in/instance.tar.gz" -C "$instance"
    fi
    echo "restored into $3"
    ;;
*)
    die "usage: backup DATABASE_URL INSTANCE_DIR BACKUP_DIR | restore BACKUP_DIR NEW_DATABASE_URL NEW_INSTANCE_DIR"
    ;;
esac

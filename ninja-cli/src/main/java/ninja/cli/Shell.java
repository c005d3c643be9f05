package ninja.cli;

/** Quoting for the commands we print for the user to paste into a POSIX shell. */
final class Shell {
    private Shell() {
    }

    static String quote(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }
}

namespace TrpoEdge.Sim.Yaml;

/// <summary>Reads the YAML subset the rig files use: nested block maps by space indentation, scalars
/// (plain, "double-" or 'single-quoted'), flow lists <c>[a, b]</c> and <c># comments</c>. Anything else
/// (tabs, block lists, anchors, multi-line strings) is rejected with the line number rather than guessed
/// at. The sim project takes no package dependencies, hence this reader instead of YamlDotNet.</summary>
public static class MiniYaml
{
    private readonly record struct Line(int Number, int Indent, string Text);

    public static YamlMap Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = Tokenise(text, sourceName);
        int pos = 0;
        if (lines.Count == 0) return new YamlMap([], 1);
        if (lines[0].Indent != 0)
            throw new YamlFormatException(sourceName, lines[0].Number, null, "the first entry must not be indented.");
        var map = ParseMap(lines, ref pos, 0, sourceName);
        if (pos < lines.Count)
            throw new YamlFormatException(sourceName, lines[pos].Number, null, "unexpected indentation.");
        return map;
    }

    private static List<Line> Tokenise(string text, string sourceName)
    {
        var result = new List<Line>();
        string[] raw = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < raw.Length; i++)
        {
            string s = raw[i];
            int number = i + 1;
            int indent = 0;
            while (indent < s.Length && s[indent] == ' ') indent++;
            if (indent < s.Length && s[indent] == '\t')
                throw new YamlFormatException(sourceName, number, null, "tab used for indentation; indent with spaces.");
            string body = StripComment(s, sourceName, number).TrimEnd();
            if (body.Trim().Length == 0) continue;
            if (number == 1 && body.Trim() == "---") continue;
            result.Add(new Line(number, indent, body.Substring(indent)));
        }
        return result;
    }

    /// <summary>Removes a comment: '#' at the start or after whitespace, outside quotes.</summary>
    private static string StripComment(string s, string sourceName, int number)
    {
        char quote = '\0';
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                continue;
            }
            if (c == '"' || c == '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(s[i - 1]))) return s.Substring(0, i);
        }
        if (quote != '\0') throw new YamlFormatException(sourceName, number, null, $"unterminated {quote}quoted{quote} string.");
        return s;
    }

    private static YamlMap ParseMap(List<Line> lines, ref int pos, int indent, string sourceName)
    {
        var entries = new List<KeyValuePair<string, YamlNode>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int mapLine = lines[pos].Number;
        while (pos < lines.Count)
        {
            Line line = lines[pos];
            if (line.Indent < indent) break;
            if (line.Indent > indent)
                throw new YamlFormatException(sourceName, line.Number, null, $"unexpected indentation ({line.Indent} spaces where {indent} were expected).");
            if (line.Text.StartsWith("- ", StringComparison.Ordinal) || line.Text == "-")
                throw new YamlFormatException(sourceName, line.Number, null, "block lists ('- item') are not supported; write a flow list such as [a, b].");
            int colon = FindKeyColon(line.Text);
            if (colon <= 0)
                throw new YamlFormatException(sourceName, line.Number, null, $"expected 'key: value', got '{line.Text}'.");
            string key = Unquote(line.Text.Substring(0, colon).Trim());
            if (key.Length == 0) throw new YamlFormatException(sourceName, line.Number, null, "empty key.");
            if (!seen.Add(key)) throw new YamlFormatException(sourceName, line.Number, key, "duplicate key.");
            string rest = line.Text.Substring(colon + 1).Trim();
            pos++;
            YamlNode value;
            if (rest.Length == 0)
            {
                if (pos < lines.Count && lines[pos].Indent > indent)
                    value = ParseMap(lines, ref pos, lines[pos].Indent, sourceName);
                else
                    throw new YamlFormatException(sourceName, line.Number, key, "has no value; give a scalar, a [list] or an indented block.");
            }
            else
            {
                value = ParseValue(rest, line.Number, key, sourceName);
            }
            entries.Add(new(key, value));
        }
        return new YamlMap(entries, mapLine);
    }

    /// <summary>The colon that ends a key: followed by a space or the end of the line, outside quotes.</summary>
    private static int FindKeyColon(string text)
    {
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c == '"' || c == '\'') quote = c;
            else if (c == ':' && (i + 1 == text.Length || text[i + 1] == ' ')) return i;
        }
        return -1;
    }

    private static YamlNode ParseValue(string rest, int line, string key, string sourceName)
    {
        if (rest[0] == '[')
        {
            if (rest[^1] != ']')
                throw new YamlFormatException(sourceName, line, key, $"flow list '{rest}' is missing its closing ']'.");
            string inner = rest.Substring(1, rest.Length - 2).Trim();
            var items = new List<YamlScalar>();
            if (inner.Length > 0)
            {
                foreach (string part in SplitFlow(inner, line, key, sourceName))
                {
                    string p = part.Trim();
                    if (p.Length == 0) throw new YamlFormatException(sourceName, line, key, $"empty item in list '{rest}'.");
                    if (p[0] is '[' or '{') throw new YamlFormatException(sourceName, line, key, "nested collections inside a flow list are not supported.");
                    items.Add(Scalar(p, line));
                }
            }
            return new YamlList(items, line);
        }
        if (rest[0] is '{' or '&' or '*' or '|' or '>' or '!')
            throw new YamlFormatException(sourceName, line, key, $"'{rest[0]}' (flow maps, anchors, aliases, tags, block scalars) is not supported in this YAML subset.");
        return Scalar(rest, line);
    }

    private static List<string> SplitFlow(string inner, int line, string key, string sourceName)
    {
        var parts = new List<string>();
        char quote = '\0';
        int start = 0;
        for (int i = 0; i < inner.Length; i++)
        {
            char c = inner[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c == '"' || c == '\'') quote = c;
            else if (c == ',') { parts.Add(inner.Substring(start, i - start)); start = i + 1; }
            else if (c == ']') throw new YamlFormatException(sourceName, line, key, "unbalanced ']' in a flow list.");
        }
        parts.Add(inner.Substring(start));
        return parts;
    }

    private static YamlScalar Scalar(string text, int line)
    {
        bool quoted = text.Length >= 2 && (text[0] == '"' && text[^1] == '"' || text[0] == '\'' && text[^1] == '\'');
        return new YamlScalar(quoted ? Unquote(text) : text, quoted, line);
    }

    private static string Unquote(string s)
    {
        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"') return s.Substring(1, s.Length - 2).Replace("\\\"", "\"").Replace("\\\\", "\\");
        if (s.Length >= 2 && s[0] == '\'' && s[^1] == '\'') return s.Substring(1, s.Length - 2).Replace("''", "'");
        return s;
    }
}

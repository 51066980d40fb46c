using Journey.Functions.Import;

namespace Journey.Functions.Tests.Import;

public sealed class ImportArgumentsTests : IDisposable
{
    private readonly ImportTestFiles files = new();
    private readonly string csv;

    public ImportArgumentsTests() => csv = files.Write("events.csv", "user_id,item_id,category_id,behavior_type,timestamp\n");

    public void Dispose() => files.Dispose();

    private static string Error(params string[] args) => Assert.Throws<ImportArgumentException>(() => ImportArguments.Parse(args)).Message;

    [Fact]
    public void Parse_Preset_ReadsClickstreamCsvWithDefaults()
    {
        var args = ImportArguments.Parse([csv, "--preset", "taobao", "--data", "/tmp/somewhere"]);

        Assert.Equal(csv, args.FilePath);
        Assert.Equal(ImportFormat.ClickstreamCsv, args.Format);
        Assert.Equal("taobao", args.Preset);
        Assert.Equal("taobao", args.SourceName);
        Assert.Equal(1000, args.BatchSize);
        Assert.Empty(args.Map);
        Assert.Equal("/tmp/somewhere", args.DataFolder);
    }

    [Fact]
    public void Parse_OptionsInAnyOrderAndWithEquals()
    {
        var args = ImportArguments.Parse(["--format=clickstream-csv", "--batch", "250", "--map", "user=u,event=e", "--map=time=t", csv]);

        Assert.Equal(ImportFormat.ClickstreamCsv, args.Format);
        Assert.Null(args.Preset);
        Assert.Equal("clickstream-csv", args.SourceName);
        Assert.Equal(250, args.BatchSize);
        Assert.Equal(new Dictionary<string, string> { ["user"] = "u", ["event"] = "e", ["time"] = "t" }, args.Map);
    }

    [Fact]
    public void Parse_PresetIsCaseInsensitive_AndMayComeWithItsFormat()
    {
        var args = ImportArguments.Parse([csv, "--preset", "REES46", "--format", "clickstream-csv"]);

        Assert.Equal("rees46", args.Preset);
        Assert.Equal(ImportFormat.ClickstreamCsv, args.Format);
    }

    [Fact]
    public void Parse_SegmentJsonl()
    {
        var args = ImportArguments.Parse([csv, "--format", "segment-jsonl"]);

        Assert.Equal(ImportFormat.SegmentJsonl, args.Format);
        Assert.Equal("segment-jsonl", args.SourceName);
    }

    [Fact]
    public void Parse_MissingFile() =>
        Assert.StartsWith("missing file: import needs the file to read.", Error("--preset", "taobao"));

    [Fact]
    public void Parse_FileNotFound()
    {
        var missing = Path.Combine(files.Folder, "nope.csv");
        Assert.StartsWith($"file not found: '{missing}'", Error(missing, "--preset", "taobao"));
    }

    [Fact]
    public void Parse_Folder() =>
        Assert.Equal($"'{files.Folder}' is a folder, not a file.", Error(files.Folder, "--preset", "taobao"));

    [Fact]
    public void Parse_UnknownPreset_ListsTheValidOnes() =>
        Assert.Equal("unknown preset \"x\" (valid: taobao, rees46, cdnow, online-retail, clothing-reviews).", Error(csv, "--preset", "x"));

    [Fact]
    public void Parse_UnknownFormat() =>
        Assert.Equal("unknown format \"xml\" (valid: clickstream-csv, segment-jsonl, orders-csv, reviews-csv).", Error(csv, "--format", "xml"));

    [Fact]
    public void Parse_ClothingReviewsPreset_ReadsReviewsCsv()
    {
        var args = ImportArguments.Parse([csv, "--preset", "Clothing-Reviews"]);

        Assert.Equal(ImportFormat.ReviewsCsv, args.Format);
        Assert.Equal("clothing-reviews", args.SourceName);
        Assert.Empty(args.Map);
        Assert.Equal(ImportFormat.ReviewsCsv, ImportArguments.Parse([csv, "--preset", "clothing-reviews", "--format", "reviews-csv"]).Format);
    }

    [Fact]
    public void Parse_ReviewsCsvWithMap()
    {
        var args = ImportArguments.Parse([csv, "--format", "reviews-csv", "--map", "customer=user,text=Body,rating=stars,time=at", "--map", "title=headline,product=sku,category=cat,review=id"]);

        Assert.Equal((ImportFormat.ReviewsCsv, null, "reviews-csv"), (args.Format, args.Preset, args.SourceName));
        Assert.Equal(
            new Dictionary<string, string> { ["customer"] = "user", ["text"] = "Body", ["rating"] = "stars", ["time"] = "at", ["title"] = "headline", ["product"] = "sku", ["category"] = "cat", ["review"] = "id" },
            args.Map);
    }

    [Fact]
    public void Parse_ReviewsCsvWithoutTheRequiredColumns() =>
        Assert.Equal(
            "--format reviews-csv needs --map with the columns of customer, text, rating, time (missing: rating, time), e.g. --map customer=user_id,text=body,rating=stars,time=created_at.",
            Error(csv, "--format", "reviews-csv", "--map", "customer=c,text=t"));

    [Fact]
    public void Parse_ReviewsCsvUnknownMapKey() =>
        Assert.Equal(
            "unknown --map key 'user' (valid: customer, text, rating, time, title, product, category, review).",
            Error(csv, "--format", "reviews-csv", "--map", "user=c"));

    [Fact]
    public void Parse_ReviewsPresetWithMap() =>
        Assert.Equal(
            "preset clothing-reviews has fixed columns: --map applies to --format reviews-csv without a preset.",
            Error(csv, "--preset", "clothing-reviews", "--map", "text=body"));

    [Fact]
    public void Parse_ReviewsPresetWithAnotherFormat() =>
        Assert.Equal(
            "preset clothing-reviews reads reviews-csv, not orders-csv: give one of --preset and --format.",
            Error(csv, "--preset", "clothing-reviews", "--format", "orders-csv"));

    [Fact]
    public void Parse_NeitherPresetNorFormat() =>
        Assert.Equal(
            "import needs --preset or --format to know how to read the file: presets taobao, rees46, cdnow, online-retail, clothing-reviews; formats clickstream-csv, segment-jsonl, orders-csv, reviews-csv.",
            Error(csv));

    [Theory]
    [InlineData("cdnow")]
    [InlineData("ONLINE-RETAIL")]
    public void Parse_OrdersPreset_ReadsOrdersCsv(string preset)
    {
        var args = ImportArguments.Parse([csv, "--preset", preset]);

        Assert.Equal(ImportFormat.OrdersCsv, args.Format);
        Assert.Equal(preset.ToLowerInvariant(), args.Preset);
        Assert.Equal(preset.ToLowerInvariant(), args.SourceName);
        Assert.Equal(ImportFormat.OrdersCsv, ImportArguments.Parse([csv, "--preset", preset, "--format", "orders-csv"]).Format);
    }

    [Fact]
    public void Parse_OrdersCsvWithMap()
    {
        var args = ImportArguments.Parse([csv, "--format", "orders-csv", "--map", "Customer=buyer,order=Order No,time=when,revenue=amount", "--map", "status=state,product=sku"]);

        Assert.Equal(ImportFormat.OrdersCsv, args.Format);
        Assert.Null(args.Preset);
        Assert.Equal("orders-csv", args.SourceName);
        Assert.Equal(
            new Dictionary<string, string> { ["customer"] = "buyer", ["order"] = "Order No", ["time"] = "when", ["revenue"] = "amount", ["status"] = "state", ["product"] = "sku" },
            args.Map);
    }

    [Fact]
    public void Parse_OrdersCsvWithoutTheRequiredColumns() =>
        Assert.Equal(
            "--format orders-csv needs --map with the columns of customer, order, time, revenue (missing: order, revenue), e.g. --map customer=buyer,order=order_no,time=date,revenue=amount.",
            Error(csv, "--format", "orders-csv", "--map", "customer=c,time=t"));

    [Fact]
    public void Parse_OrdersCsvWithoutMap() =>
        Assert.Equal(
            "--format orders-csv needs --map with the columns of customer, order, time, revenue (missing: customer, order, time, revenue), e.g. --map customer=buyer,order=order_no,time=date,revenue=amount.",
            Error(csv, "--format", "orders-csv"));

    [Fact]
    public void Parse_OrdersCsvWithAClickstreamKey() =>
        Assert.Equal(
            "unknown --map key 'user' (valid: customer, order, time, revenue, quantity, product, category, status).",
            Error(csv, "--format", "orders-csv", "--map", "customer=c,order=o,time=t,revenue=r,user=u"));

    [Fact]
    public void Parse_OrdersCsvBadMapEntry() =>
        Assert.Equal(
            "bad --map entry 'revenue': expected key=column, e.g. --map customer=buyer,order=order_no,time=date,revenue=amount.",
            Error(csv, "--format", "orders-csv", "--map", "customer=c,order=o,time=t,revenue"));

    [Theory]
    [InlineData("cdnow")]
    [InlineData("online-retail")]
    public void Parse_OrdersPresetWithMap(string preset) =>
        Assert.Equal(
            $"preset {preset} has fixed columns: --map applies to --format orders-csv without a preset.",
            Error(csv, "--preset", preset, "--map", "customer=c"));

    [Fact]
    public void Parse_OrdersPresetWithAnotherFormat() =>
        Assert.Equal(
            "preset cdnow reads orders-csv, not clickstream-csv: give one of --preset and --format.",
            Error(csv, "--preset", "cdnow", "--format", "clickstream-csv"));

    [Fact]
    public void Parse_ClickstreamPresetWithOrdersFormat() =>
        Assert.Equal(
            "preset rees46 reads clickstream-csv, not orders-csv: give one of --preset and --format.",
            Error(csv, "--preset", "rees46", "--format", "orders-csv"));

    [Fact]
    public void Parse_PresetWithAnotherFormat() =>
        Assert.Equal(
            "preset taobao reads clickstream-csv, not segment-jsonl: give one of --preset and --format.",
            Error(csv, "--preset", "taobao", "--format", "segment-jsonl"));

    [Theory]
    [InlineData("user")]
    [InlineData("user=")]
    [InlineData("=col")]
    public void Parse_BadMapSyntax(string entry) =>
        Assert.Equal(
            $"bad --map entry '{entry}': expected key=column, e.g. --map user=customer_id,event=action,time=ts.",
            Error(csv, "--format", "clickstream-csv", "--map", $"event=e,time=t,{entry}"));

    [Fact]
    public void Parse_UnknownMapKey() =>
        Assert.Equal(
            "unknown --map key 'colour' (valid: user, event, time, product, category, brand, price, quantity, order, session).",
            Error(csv, "--format", "clickstream-csv", "--map", "user=u,event=e,time=t,colour=c"));

    [Fact]
    public void Parse_RepeatedMapKey() =>
        Assert.Equal(
            "--map key 'user' is given twice ('u' and 'v').",
            Error(csv, "--format", "clickstream-csv", "--map", "user=u,event=e,time=t,user=v"));

    [Fact]
    public void Parse_ClickstreamFormatWithoutTheRequiredColumns() =>
        Assert.Equal(
            "--format clickstream-csv needs --map with the columns of user, event, time (missing: time), e.g. --map user=customer_id,event=action,time=ts.",
            Error(csv, "--format", "clickstream-csv", "--map", "user=u,event=e"));

    [Fact]
    public void Parse_MapWithSegmentJsonl() =>
        Assert.Equal("--map applies to --format clickstream-csv, orders-csv and reviews-csv only, not to segment-jsonl.", Error(csv, "--format", "segment-jsonl", "--map", "user=u"));

    [Theory]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("10001")]
    public void Parse_BadBatch(string batch) =>
        Assert.Equal($"bad --batch value '{batch}': expected a whole number from 1 to 10000.", Error(csv, "--preset", "taobao", "--batch", batch));

    [Fact]
    public void Parse_OptionWithoutValue() =>
        Assert.StartsWith("--preset needs a value.", Error(csv, "--preset"));

    [Fact]
    public void Parse_UnknownOption() =>
        Assert.StartsWith("unknown option '--colour' for import.", Error(csv, "--preset", "taobao", "--colour", "red"));

    [Fact]
    public void Parse_SecondFile() =>
        Assert.StartsWith($"unexpected argument 'other.csv': import reads one file ('{csv}' was given first).", Error(csv, "other.csv", "--preset", "taobao"));

    [Fact]
    public void Parse_OptionGivenTwice() =>
        Assert.Equal("--preset is given twice ('taobao' and 'rees46').", Error(csv, "--preset", "taobao", "--preset", "rees46"));
}

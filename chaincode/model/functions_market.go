package model

func init() {
	RegisterFuncs(
		W[SubmitProductRequest, Product]("Product:Submit", "submit a data product for compliance review (operator)"),
		W[ReviewProductRequest, Product]("Product:Review", "record the six checks of 《广东省…管理办法》第二十六条 and decide (bureau)"),
		W[RegisterProductRequest, Product]("Product:Register", "register an approved product; assigns its registration number (operator)"),
		W[ListProductRequest, Product]("Product:ListOnExchange", "list a registered product on a data exchange (exchange)"),
		W[ProductStatusRequest, Product]("Product:Suspend", "suspend a product (bureau)"),
		W[ProductStatusRequest, Product]("Product:Resume", "resume a suspended product (bureau)"),
		W[ProductStatusRequest, Product]("Product:Revoke", "revoke a product (bureau)"),
		R[Ref, Product]("Product:Get", "one product"),
		R[ProductsByResourceRequest, PageResult[*Product]]("Product:ByResource", "products made from a resource"),
		R[ProductsByGrantRequest, PageResult[*Product]]("Product:ByGrant", "products made under a grant"),
		R[Ref, ProductProvenance]("Product:Provenance", "a product with its sources, what it re-develops and what derives from it"),
		R[PageRequest, PageResult[*Product]]("Product:Overdue", "products whose review deadline passed unmet"),
		W[SetCapRequest, PriceCap]("Price:SetCap", "set a price cap per charging unit and class (bureau)"),
		W[FilePriceRequest, PriceFiling]("Price:File", "file a product's price with its pricing basis (operator)"),
		R[Ref, PriceFiling]("Price:Get", "one price filing"),
		R[Ref, PriceCap]("Price:GetCap", "one price cap"),
		R[PageRequest, PageResult[*PriceFiling]]("Price:Flagged", "price filings above a cap cut after them"),
		W[FileTradeRequest, Trade]("Trade:File", "file a trade (exchange or operator)"),
		R[Ref, Trade]("Trade:Get", "one trade filing"),
		R[ProductTradesRequest, PageResult[*Trade]]("Trade:ByProduct", "trades of a product"),
		W[ReportRevenueRequest, Revenue]("Revenue:Report", "annual revenue, cost and tax; opens the adjustment obligation (operator)"),
		W[CorrectRevenueRequest, Revenue]("Revenue:Correct", "correct a revenue report (operator)"),
		W[FulfilObligationRequest, Revenue]("Revenue:Fulfil", "fulfil a revenue obligation with a new filing or cap"),
		R[Ref, Revenue]("Revenue:Get", "one revenue report"),
		R[ObligationsRequest, []RevenueObligation]("Revenue:Obligations", "open price/cap adjustment obligations"),
		R[DisclosureRequest, PageResult[PublicProduct]]("Disclosure:Products", "registered products (public)"),
		R[FeesRequest, FeesDisclosure]("Disclosure:Fees", "price caps and filed prices (public)"),
		R[DisclosureRequest, PageResult[PublicAuthorization]]("Disclosure:Authorizations", "authorizations: object, scope, term (public)"),
	)
}

// Operations copied unchanged from the storefront contract (/work/shared/contract/storefront.graphql,
// repo copy operations/storefront.graphql). The demo page and the simulator send only these;
// tests/unit/demo/operations.test.ts checks that each one is in the contract verbatim and valid
// against the gateway schema.

export const TRACK_VIEW = `mutation TrackView($input: TrackViewInput!) {
  trackView(input: $input) {
    accepted
    eventId
  }
}
`;

export const TRACK_ADD_TO_CART = `mutation TrackAddToCart($input: TrackAddToCartInput!) {
  trackAddToCart(input: $input) {
    accepted
    eventId
  }
}
`;

export const TRACK_PURCHASE = `mutation TrackPurchase($input: TrackPurchaseInput!) {
  trackPurchase(input: $input) {
    accepted
    eventId
  }
}
`;

export const RECOMMENDATIONS = `query Recommendations($userId: ID!, $limit: Int) {
  recommendations(userId: $userId, limit: $limit) {
    userId
    version
    generatedAt
    items {
      score
      reason
      product {
        id
        name
        category
        price
      }
    }
  }
}
`;

export const RECOMMENDATIONS_UPDATED = `subscription RecommendationsUpdated($userId: ID!, $limit: Int) {
  recommendationsUpdated(userId: $userId, limit: $limit) {
    userId
    version
    generatedAt
    items {
      score
      reason
      product {
        id
        name
      }
    }
  }
}
`;

export const TRENDING = `query Trending($category: String, $limit: Int) {
  trending(category: $category, limit: $limit) {
    score
    product {
      id
      name
      category
    }
  }
}
`;

export const SIMILAR_PRODUCTS = `query SimilarProducts($productId: ID!, $limit: Int) {
  similarProducts(productId: $productId, limit: $limit) {
    score
    reason
    product {
      id
      name
    }
  }
}
`;

export const PRODUCT = `query Product($id: ID!) {
  product(id: $id) {
    id
    name
    category
    price
    inStock
  }
}
`;

export const UPSERT_PRODUCTS = `mutation UpsertProducts($products: [ProductInput!]!) {
  upsertProducts(products: $products)
}
`;

export const DEMO_OPERATIONS = {
  TrackView: TRACK_VIEW,
  TrackAddToCart: TRACK_ADD_TO_CART,
  TrackPurchase: TRACK_PURCHASE,
  Recommendations: RECOMMENDATIONS,
  RecommendationsUpdated: RECOMMENDATIONS_UPDATED,
  Trending: TRENDING,
  SimilarProducts: SIMILAR_PRODUCTS,
  Product: PRODUCT,
  UpsertProducts: UPSERT_PRODUCTS,
} as const;
